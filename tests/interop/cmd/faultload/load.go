package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"time"
)

// kind is one shape of request the load sends through the broker.
type kind string

const (
	kindAuth kind = "auth"
	kindRPC  kind = "rpc"
	kindHTTP kind = "http"
	kindAMQP kind = "amqp"
	kindGRPC kind = "grpc"
	kindMail kind = "mail"
)

var allKinds = []kind{kindAuth, kindRPC, kindHTTP, kindAMQP, kindGRPC, kindMail}

// logKinds are the kinds whose acknowledged requests end up as an entry in the logger.
func (k kind) logged() bool { return k == kindRPC || k == kindHTTP || k == kindAMQP || k == kindGRPC }

// stores: the kinds whose 202 promises something kept (a log entry, a sent mail).
func (k kind) stores() bool { return k.logged() || k == kindMail }

// outcome is what one request got: an HTTP status, or how it failed without one.
type outcome struct {
	kind     kind
	seq      int
	sent     time.Duration // since the load began
	answered time.Duration // since the load began; zero when no answer came
	status   int           // 0 when there was no HTTP answer
	failure  string        // "refused", "reset", "no answer" when status is 0
}

func (o outcome) acked() bool { return o.status == http.StatusAccepted }

func (o outcome) label() string {
	if o.status != 0 {
		return fmt.Sprint(o.status)
	}
	return o.failure
}

// load sends a steady stream of requests through the broker, each with a unique marker.
type load struct {
	broker   string
	tag      string // unique per row and run: names the log entries and mail subjects
	deadline time.Duration
	email    string
	password string
	client   *http.Client
	begin    time.Time

	mu       sync.Mutex
	outcomes []outcome
	wg       sync.WaitGroup
}

func newLoad(broker, tag string, deadline time.Duration, email, password string) *load {
	transport := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: deadline}).DialContext,
		MaxIdleConnsPerHost: 256,
		IdleConnTimeout:     30 * time.Second,
	}
	return &load{
		broker: strings.TrimRight(broker, "/"), tag: tag, deadline: deadline,
		email: email, password: password,
		client: &http.Client{Transport: transport, Timeout: deadline},
	}
}

// logName is the log entry name of a kind in this row; its data is the request's sequence number.
func (l *load) logName(k kind) string { return l.tag + "-" + string(k) }

// mailSubject is the subject of the mail with sequence number seq.
func (l *load) mailSubject(seq int) string { return fmt.Sprintf("%s %d", l.tag, seq) }

func (l *load) body(k kind, seq int) []byte {
	var v map[string]any
	switch k {
	case kindAuth:
		v = map[string]any{"action": "auth", "auth": map[string]any{"email": l.email, "password": l.password}}
	case kindMail:
		v = map[string]any{"action": "mail", "mail": map[string]any{
			"from": "faults@example.com", "to": "reader@example.com",
			"subject": l.mailSubject(seq), "message": "fault matrix " + l.tag}}
	default:
		v = map[string]any{"action": "log", "transport": string(k),
			"log": map[string]any{"name": l.logName(k), "data": fmt.Sprint(seq)}}
	}
	b, _ := json.Marshal(v)
	return b
}

// run sends rate requests per second, cycling through the weighted kinds, until stop closes.
func (l *load) run(rate float64, mix []kind, stop <-chan struct{}) {
	l.begin = time.Now()
	interval := time.Duration(float64(time.Second) / rate)
	next := l.begin
	for seq := 0; ; seq++ {
		select {
		case <-stop:
			return
		case <-time.After(time.Until(next)):
		}
		k := mix[seq%len(mix)]
		l.wg.Add(1)
		go l.one(k, seq)
		next = next.Add(interval)
	}
}

func (l *load) one(k kind, seq int) {
	defer l.wg.Done()
	o := outcome{kind: k, seq: seq, sent: time.Since(l.begin)}
	ctx, cancel := context.WithTimeout(context.Background(), l.deadline)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, l.broker+"/handle", bytes.NewReader(l.body(k, seq)))
	req.Header.Set("Content-Type", "application/json")
	resp, err := l.client.Do(req)
	if err == nil {
		var sink bytes.Buffer
		_, err = sink.ReadFrom(resp.Body)
		resp.Body.Close()
		if err == nil {
			o.status = resp.StatusCode
			o.answered = time.Since(l.begin)
		}
	}
	if err != nil {
		o.failure = classify(err)
		if o.failure != "no answer" {
			o.answered = time.Since(l.begin)
		}
	}
	l.mu.Lock()
	l.outcomes = append(l.outcomes, o)
	l.mu.Unlock()
}

// classify names a transport error: the broker refused the connection, dropped it, or stayed
// silent until the deadline.
func classify(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "no answer"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "refused"
	default:
		return "reset"
	}
}

// wait lets every request in flight finish (each is bounded by the deadline).
func (l *load) wait() []outcome {
	l.wg.Wait()
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]outcome(nil), l.outcomes...)
}

// snapshot: the outcomes so far.
func (l *load) snapshot() []outcome {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]outcome(nil), l.outcomes...)
}

// missingKinds: the kinds of mix without a success among the requests sent since from.
func missingKinds(outcomes []outcome, mix []kind, from time.Duration) []kind {
	ok := map[kind]bool{}
	for _, o := range outcomes {
		if o.sent >= from && o.status >= 200 && o.status < 300 {
			ok[o.kind] = true
		}
	}
	var missing []kind
	seen := map[kind]bool{}
	for _, k := range mix {
		if !ok[k] && !seen[k] {
			missing = append(missing, k)
			seen[k] = true
		}
	}
	return missing
}
