package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// Messages published while no listener runs wait in the durable queue; when the listener
// starts, every one of them reaches the store exactly once (at-least-once delivery made
// harmless by the message_id the logger stores under).
func TestAMQPListenerStoppedThenStarted(t *testing.T) {
	needSystem(t)
	needService(t, "listener")
	needService(t, "logger")
	const n = 50
	name := runID("e2e-amqp-once")
	from := time.Now()

	start := stopService(t, "listener")
	for i := 0; i < n; i++ {
		r := handle(t, logPayload("amqp", name, fmt.Sprint(i)))
		if !expect(t, fmt.Sprintf("log %d via amqp with the listener stopped", i), r, 202, "logged via RabbitMQ") {
			t.FailNow()
		}
	}
	if got := logsNamed(t, name, 1000); len(got) != 0 {
		t.Errorf("%d entries stored while no listener ran, want 0", len(got))
	}
	start()

	eventually(t, "the listener's /readyz", 30*time.Second, 200*time.Millisecond, func() (bool, string) {
		return getOK(listenerURL + "/readyz")
	})
	waitLogs(t, name, n, 30*time.Second)
	// Anything delivered twice would land within moments of the first copy; give it time.
	time.Sleep(3 * time.Second)
	checkOnce(t, logsNamed(t, name, 1000), n, from)
}

// A log published while the logger is down is retried by the listener (through the retry
// queues) and stored once the logger is back: none lost, none twice.
func TestAMQPLoggerStoppedThenStarted(t *testing.T) {
	needSystem(t)
	needService(t, "listener")
	needService(t, "logger")
	const n = 20
	name := runID("e2e-amqp-retry")
	from := time.Now()

	start := stopService(t, "logger")
	for i := 0; i < n; i++ {
		r := handle(t, logPayload("amqp", name, fmt.Sprint(i)))
		if !expect(t, fmt.Sprintf("log %d via amqp with the logger stopped", i), r, 202, "logged via RabbitMQ") {
			t.FailNow()
		}
	}
	// Let the listener take them and fail at least once, then bring the logger back.
	time.Sleep(2 * time.Second)
	start()

	// The retry plan waits 1 s, then 10 s, then 60 s between attempts.
	waitLogs(t, name, n, 120*time.Second)
	time.Sleep(3 * time.Second)
	checkOnce(t, logsNamed(t, name, 1000), n, from)
}

// checkOnce checks that entries hold the data "0".."n-1" exactly once each.
func checkOnce(t *testing.T, entries []logEntry, n int, from time.Time) {
	t.Helper()
	if len(entries) != n {
		t.Errorf("%d entries, want exactly %d", len(entries), n)
	}
	seen := map[string]int{}
	for _, e := range entries {
		seen[e.Data]++
		checkEntry(t, e, e.Data, from)
	}
	var wrong []string
	for i := 0; i < n; i++ {
		if c := seen[fmt.Sprint(i)]; c != 1 {
			wrong = append(wrong, fmt.Sprintf("%d stored %d times", i, c))
		}
		delete(seen, fmt.Sprint(i))
	}
	for d := range seen {
		wrong = append(wrong, fmt.Sprintf("unexpected data %q", d))
	}
	sort.Strings(wrong)
	for _, w := range wrong {
		t.Error(w)
	}
}

// goChannel opens an amqp091-go channel (the Go system's AMQP client) to the test RabbitMQ.
func goChannel(t *testing.T) *amqp.Channel {
	t.Helper()
	conn, err := amqp.Dial(rabbitURL)
	if err != nil {
		t.Fatalf("dial %s: %v", rabbitURL, err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	ch, err := conn.Channel()
	if err != nil {
		t.Fatalf("channel: %v", err)
	}
	if err := ch.Confirm(false); err != nil {
		t.Fatalf("confirm.select: %v", err)
	}
	return ch
}

// publish sends one message to logs_topic and waits for its confirm.
func publish(t *testing.T, ch *amqp.Channel, key string, msg amqp.Publishing) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conf, err := ch.PublishWithDeferredConfirmWithContext(ctx, "logs_topic", key, true, false, msg)
	if err != nil {
		t.Fatalf("publish %s: %v", key, err)
	}
	ok, err := conf.WaitContext(ctx)
	if err != nil || !ok {
		t.Fatalf("publish %s: confirm %v %v", key, ok, err)
	}
}

// The Go broker's event emitter publishes to logs_topic with routing key log.INFO, a JSON
// {"name","data"} body as text/plain, and no message_id: our listener stores it.
func TestAMQPGoEmitterThroughListener(t *testing.T) {
	needSystem(t)
	needService(t, "listener")
	ch := goChannel(t)
	// As the Go broker's emitter declares it (durable topic, not auto-deleted).
	if err := ch.ExchangeDeclare("logs_topic", "topic", true, false, false, false, nil); err != nil {
		t.Fatalf("exchange.declare as the Go emitter does: %v", err)
	}
	name := runID("e2e-go-emitter")
	from := time.Now()
	body, _ := json.Marshal(map[string]string{"name": name, "data": "from the Go emitter"})
	publish(t, ch, "log.INFO", amqp.Publishing{ContentType: "text/plain", Body: body})
	entries := waitLogs(t, name, 1, 30*time.Second)
	if len(entries) != 1 {
		t.Fatalf("%d entries, want 1", len(entries))
	}
	checkEntry(t, entries[0], "from the Go emitter", from)
}

// A message delivered twice under one message_id (a redelivery) is stored once; a mail
// published on mail.send reaches Mailpit through the listener and the mail service.
func TestAMQPDuplicateAndMail(t *testing.T) {
	needSystem(t)
	needService(t, "listener")
	ch := goChannel(t)

	t.Run("duplicate message_id", func(t *testing.T) {
		name := runID("e2e-dup")
		from := time.Now()
		body, _ := json.Marshal(map[string]string{"name": name, "data": "0"})
		msg := amqp.Publishing{ContentType: "application/json", DeliveryMode: amqp.Persistent, MessageId: name, Body: body}
		publish(t, ch, "log.INFO", msg)
		waitLogs(t, name, 1, 30*time.Second)
		publish(t, ch, "log.INFO", msg)
		// A third message with another id, sent after the duplicate: once it is stored, the
		// duplicate has been through the listener too.
		probe := runID("e2e-dup-probe")
		pb, _ := json.Marshal(map[string]string{"name": probe, "data": "probe"})
		publish(t, ch, "log.INFO", amqp.Publishing{ContentType: "application/json", MessageId: probe, Body: pb})
		waitLogs(t, probe, 1, 30*time.Second)
		time.Sleep(time.Second)
		checkOnce(t, logsNamed(t, name, 1000), 1, from)
	})

	t.Run("mail.send", func(t *testing.T) {
		id := runID("e2e-amqp-mail")
		subject := "Queued " + id
		to := "rcpt-" + id + "@example.net"
		body, _ := json.Marshal(map[string]string{
			"from": "sender@example.org", "to": to, "subject": subject, "message": "Hello from the queue " + id,
		})
		publish(t, ch, "mail.send", amqp.Publishing{ContentType: "application/json", DeliveryMode: amqp.Persistent, MessageId: id, Body: body})
		m := mailGet(t, waitMail(t, subject).ID)
		if len(m.To) != 1 || m.To[0].Address != to || m.From.Address != "noreply@example.com" {
			t.Errorf("To %+v From %+v", m.To, m.From)
		}
		if !strings.Contains(m.Text, "Hello from the queue "+id) || !strings.Contains(m.HTML, "Hello from the queue "+id) {
			t.Errorf("the parts do not hold the message:\n%s\n%s", m.Text, m.HTML)
		}
	})
}

// The listener killed (SIGKILL, as in a crash) while it consumes: what it had taken but not
// acknowledged is delivered again after the restart, and the logger stores it once.
func TestAMQPListenerKilledWhileConsuming(t *testing.T) {
	needSystem(t)
	needService(t, "listener")
	needService(t, "logger")
	const n = 300
	name := runID("e2e-amqp-crash")
	from := time.Now()
	t.Cleanup(func() {
		if !serviceRunning(t, "listener") {
			_ = services(t, "start", "listener")
		}
	})

	sent := make(chan int, n)
	errs := make(chan error, n)
	go func() {
		defer close(sent)
		for i := 0; i < n; i++ {
			r, err := do(client, "POST", brokerURL+"/handle", logPayload("amqp", name, fmt.Sprint(i)), nil)
			if err == nil && (r.Status != 202 || r.Env.Message != "logged via RabbitMQ") {
				err = fmt.Errorf("log %d via amqp: %s", i, r)
			}
			if err != nil {
				errs <- err
			}
			sent <- i
		}
	}()
	for i := range sent {
		if i == n/3 {
			if err := services(t, "kill", "listener"); err != nil {
				t.Fatalf("could not kill the listener")
			}
			if err := services(t, "start", "listener"); err != nil {
				t.Fatalf("could not start the listener again")
			}
		}
	}
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		t.FailNow()
	}
	waitLogs(t, name, n, 60*time.Second)
	time.Sleep(3 * time.Second)
	checkOnce(t, logsNamed(t, name, 1000), n, from)
}
