// Interop of our AMQP driver with the Go ecosystem's client (rabbitmq/amqp091-go, what the Go
// system uses): a message published by amqp091-go is consumed by ours, and one published by
// ours is consumed by amqp091-go, properties and headers intact. Our side is driven through
// ${BUILD_DIR}/bin/amqp_tool (BUILD_DIR defaults to ../../build). Needs RABBIT_URL.
package interop

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

func rabbitURL(t *testing.T) string {
	t.Helper()
	url := os.Getenv("RABBIT_URL")
	if url == "" {
		t.Skip("RABBIT_URL is not set")
	}
	return url
}

// testQueue declares a topic exchange and a quorum queue bound to key, both unique to the
// test, and deletes them when it ends.
func testQueue(t *testing.T, url, key string) (*amqp.Channel, string, string) {
	t.Helper()
	conn, err := amqp.Dial(url)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	ch, err := conn.Channel()
	if err != nil {
		t.Fatalf("channel: %v", err)
	}
	name := fmt.Sprintf("interop.%d", time.Now().UnixNano())
	exchange, queue := name+".ex", name+".q"
	if err := ch.ExchangeDeclare(exchange, "topic", true, false, false, false, nil); err != nil {
		t.Fatalf("exchange.declare: %v", err)
	}
	args := amqp.Table{"x-queue-type": "quorum"}
	if _, err := ch.QueueDeclare(queue, true, false, false, false, args); err != nil {
		t.Fatalf("queue.declare: %v", err)
	}
	if err := ch.QueueBind(queue, key, exchange, false, nil); err != nil {
		t.Fatalf("queue.bind: %v", err)
	}
	t.Cleanup(func() {
		_, _ = ch.QueueDelete(queue, false, false, false)
		_ = ch.ExchangeDelete(exchange, false, false)
		_ = conn.Close()
	})
	return ch, exchange, queue
}

func runTool(t *testing.T, url string, args ...string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, toolPath(t, "amqp_tool"), args...)
	cmd.Env = append(os.Environ(), "RABBIT_URL="+url)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("amqp_tool %v: %v\nstderr: %s", args, err, stderr.String())
	}
	out := strings.TrimSpace(stdout.String())
	if out == "" {
		return nil
	}
	return strings.Split(out, "\n")
}

func TestAMQPGoPublisherOurConsumer(t *testing.T) {
	url := rabbitURL(t)
	toolPath(t, "amqp_tool") // skip before declaring anything when the tool is not built
	ch, exchange, queue := testQueue(t, url, "log.*")
	if err := ch.Confirm(false); err != nil {
		t.Fatalf("confirm.select: %v", err)
	}
	const n = 20
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for i := 0; i < n; i++ {
		confirm, err := ch.PublishWithDeferredConfirmWithContext(ctx, exchange, "log.INFO", true, false,
			amqp.Publishing{
				MessageId:    fmt.Sprintf("go-%d", i),
				ContentType:  "application/json",
				DeliveryMode: amqp.Persistent,
				Headers:      amqp.Table{"request_id": fmt.Sprintf("req-%d", i)},
				Body:         []byte(fmt.Sprintf(`{"name":"go","data":"%d"}`, i)),
			})
		if err != nil {
			t.Fatalf("publish: %v", err)
		}
		if ok, err := confirm.WaitContext(ctx); err != nil || !ok {
			t.Fatalf("confirm %d: ok=%v err=%v", i, ok, err)
		}
	}

	lines := runTool(t, url, "consume", "--queue", queue, "--count", fmt.Sprint(n))
	if len(lines) != n {
		t.Fatalf("our consumer printed %d lines, want %d: %q", len(lines), n, lines)
	}
	seen := map[string]bool{}
	for _, line := range lines {
		f := strings.Split(line, "\t")
		if len(f) != 6 {
			t.Fatalf("bad line %q", line)
		}
		id, key, contentType, requestID, body := f[0], f[1], f[2], f[4], f[5]
		if key != "log.INFO" || contentType != "application/json" {
			t.Errorf("%s: routing key %q content type %q", id, key, contentType)
		}
		if want := "req-" + strings.TrimPrefix(id, "go-"); requestID != want {
			t.Errorf("%s: request_id %q, want %q", id, requestID, want)
		}
		if !strings.HasPrefix(body, `{"name":"go"`) {
			t.Errorf("%s: body %q", id, body)
		}
		seen[id] = true
	}
	for i := 0; i < n; i++ {
		if !seen[fmt.Sprintf("go-%d", i)] {
			t.Errorf("go-%d not consumed", i)
		}
	}
}

func TestAMQPOurPublisherGoConsumer(t *testing.T) {
	url := rabbitURL(t)
	ch, exchange, queue := testQueue(t, url, "log.*")
	const n = 20
	ids := runTool(t, url, "publish", "--exchange", exchange, "--routing-key", "log.WARNING",
		"--count", fmt.Sprint(n), "--prefix", "cpp", "--header", "request_id=req-cpp")
	if len(ids) != n {
		t.Fatalf("our publisher confirmed %d messages, want %d: %q", len(ids), n, ids)
	}

	deliveries, err := ch.Consume(queue, "", false, false, false, false, nil)
	if err != nil {
		t.Fatalf("consume: %v", err)
	}
	seen := map[string]bool{}
	timeout := time.After(10 * time.Second)
	for len(seen) < n {
		select {
		case d := <-deliveries:
			if d.ContentType != "application/json" || d.DeliveryMode != amqp.Persistent {
				t.Errorf("%s: content type %q delivery mode %d", d.MessageId, d.ContentType, d.DeliveryMode)
			}
			if d.RoutingKey != "log.WARNING" || d.Exchange != exchange {
				t.Errorf("%s: exchange %q routing key %q", d.MessageId, d.Exchange, d.RoutingKey)
			}
			if d.Headers["request_id"] != "req-cpp" {
				t.Errorf("%s: headers %v", d.MessageId, d.Headers)
			}
			if want := `{"name":"interop","data":"` + d.MessageId + `"}`; string(d.Body) != want {
				t.Errorf("body %q, want %q", d.Body, want)
			}
			seen[d.MessageId] = true
			if err := d.Ack(false); err != nil {
				t.Fatalf("ack: %v", err)
			}
		case <-timeout:
			t.Fatalf("the Go consumer got %d of %d messages", len(seen), n)
		}
	}
	for _, id := range ids {
		if !seen[id] {
			t.Errorf("%s confirmed by ours but not received by amqp091-go", id)
		}
	}
}
