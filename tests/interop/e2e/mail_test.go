package e2e

import (
	"html"
	"strings"
	"testing"
)

// A mail through the broker, read back from Mailpit: subject, recipient, both parts of the
// multipart/alternative body, and the sender policy of the test profile (FROM_ADDRESS
// noreply@example.com, no MAIL_ALLOWED_SENDERS): From is ours, the client's from is Reply-To.
func TestMailThroughBroker(t *testing.T) {
	needSystem(t)
	id := runID("e2e-mail")
	subject := "Grüße " + id // non-ASCII: an RFC 2047 encoded word on the wire
	from := "sender-" + id + "@example.org"
	to := "rcpt-" + id + "@example.net"
	message := "Hello " + id + ": 1 < 2 & <b>bold</b>"

	r := handle(t, mailPayload(from, to, subject, message))
	if !expect(t, "mail", r, 202, "Message sent to "+to) {
		return
	}

	m := mailGet(t, waitMail(t, subject).ID)
	if m.Subject != subject {
		t.Errorf("Subject %q, want %q", m.Subject, subject)
	}
	if len(m.To) != 1 || m.To[0].Address != to {
		t.Errorf("To %+v, want %s", m.To, to)
	}
	if len(m.Cc)+len(m.Bcc) != 0 {
		t.Errorf("Cc %+v Bcc %+v, want none", m.Cc, m.Bcc)
	}
	if m.From.Address != "noreply@example.com" {
		t.Errorf("From %+v, want noreply@example.com (the client's address is not an allowed sender)", m.From)
	}
	if len(m.ReplyTo) != 1 || m.ReplyTo[0].Address != from {
		t.Errorf("Reply-To %+v, want %s", m.ReplyTo, from)
	}
	if !strings.Contains(m.Text, message) {
		t.Errorf("the plain-text part does not hold the message %q:\n%s", message, m.Text)
	}
	if m.HTML == "" {
		t.Errorf("no HTML part")
	} else {
		if !strings.Contains(m.HTML, html.EscapeString(message)) {
			t.Errorf("the HTML part does not hold the escaped message:\n%s", m.HTML)
		}
		if strings.Contains(m.HTML, "<b>bold</b>") {
			t.Errorf("the HTML part carries the message's markup unescaped:\n%s", m.HTML)
		}
		if strings.Contains(m.HTML, "<style") {
			t.Errorf("the HTML part still has a <style> block (styles are inlined):\n%s", m.HTML)
		}
	}
	h := mailHeaders(t, m.ID)
	if ct := strings.Join(h["Content-Type"], ";"); !strings.HasPrefix(strings.ToLower(ct), "multipart/alternative") {
		t.Errorf("Content-Type %q, want multipart/alternative", ct)
	}
}

// Recipients and senders written with a display name, as the Go system's mail library took
// them: the mail reaches the address, the names stay in the headers.
func TestMailWithDisplayNames(t *testing.T) {
	needSystem(t)
	id := runID("e2e-mail-names")
	subject := "names " + id
	from := "sender-" + id + "@example.org"
	to := "rcpt-" + id + "@example.net"

	named := `"Rcpt, Jr." <` + to + ">"
	r := handle(t, mailPayload("Sender Person <"+from+">", named, subject, "hi"))
	if !expect(t, "mail with display names", r, 202, "Message sent to "+named) {
		return
	}
	m := mailGet(t, waitMail(t, subject).ID)
	if len(m.To) != 1 || m.To[0].Address != to || m.To[0].Name != "Rcpt, Jr." {
		t.Errorf("To %+v, want %q <%s>", m.To, "Rcpt, Jr.", to)
	}
	if len(m.ReplyTo) != 1 || m.ReplyTo[0].Address != from || m.ReplyTo[0].Name != "Sender Person" {
		t.Errorf("Reply-To %+v, want Sender Person <%s>", m.ReplyTo, from)
	}
}
