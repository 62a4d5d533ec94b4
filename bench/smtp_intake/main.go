// smtp_intake measures how many mails per second an SMTP sink takes from a plain client:
// N connections, each sending one small mail after another on the same session, optionally
// pipelined (MAIL FROM, RCPT TO and DATA in one write, RFC 2920).
//
//	go run . -addr 127.0.0.1:51025 -c 32 -d 8s [-pipeline] [-size 2000]
//
// Prints one line: mails, seconds, mails/s, errors.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func reply(r *bufio.Reader) (int, string, error) {
	var text strings.Builder
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return 0, text.String(), err
		}
		if len(line) < 4 {
			return 0, line, fmt.Errorf("short reply %q", line)
		}
		text.WriteString(line)
		if line[3] == ' ' || line[3] == '\r' {
			var code int
			fmt.Sscanf(line[:3], "%d", &code)
			return code, text.String(), nil
		}
	}
}

func expect(r *bufio.Reader, want int) error {
	code, text, err := reply(r)
	if err != nil {
		return err
	}
	if code/100 != want/100 {
		return fmt.Errorf("want %d, got %q", want, text)
	}
	return nil
}

type session struct {
	conn net.Conn
	r    *bufio.Reader
	w    *bufio.Writer
}

func open(addr string) (*session, error) {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	s := &session{conn: c, r: bufio.NewReader(c), w: bufio.NewWriter(c)}
	if err := expect(s.r, 220); err != nil {
		c.Close()
		return nil, err
	}
	fmt.Fprintf(s.w, "EHLO intake.example\r\n")
	s.w.Flush()
	if err := expect(s.r, 250); err != nil {
		c.Close()
		return nil, err
	}
	return s, nil
}

func (s *session) send(body string, pipeline bool, n int64) error {
	s.conn.SetDeadline(time.Now().Add(10 * time.Second))
	cmds := []string{
		"MAIL FROM:<intake@example.com>\r\n",
		fmt.Sprintf("RCPT TO:<sink%d@example.org>\r\n", n%7),
		"DATA\r\n",
	}
	wants := []int{250, 250, 354}
	if pipeline {
		for _, c := range cmds {
			s.w.WriteString(c)
		}
		s.w.Flush()
		for _, w := range wants {
			if err := expect(s.r, w); err != nil {
				return err
			}
		}
	} else {
		for i, c := range cmds {
			s.w.WriteString(c)
			s.w.Flush()
			if err := expect(s.r, wants[i]); err != nil {
				return err
			}
		}
	}
	s.w.WriteString(body)
	s.w.WriteString(".\r\n")
	s.w.Flush()
	return expect(s.r, 250)
}

func message(size int) string {
	var b strings.Builder
	b.WriteString("From: intake@example.com\r\nTo: sink@example.org\r\nSubject: intake\r\n")
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
	line := strings.Repeat("x", 70) + "\r\n"
	for b.Len() < size {
		b.WriteString(line)
	}
	return b.String()
}

func main() {
	addr := flag.String("addr", "127.0.0.1:1025", "host:port of the SMTP sink")
	conns := flag.Int("c", 32, "connections")
	dur := flag.Duration("d", 8*time.Second, "duration")
	pipeline := flag.Bool("pipeline", false, "pipeline MAIL/RCPT/DATA (RFC 2920)")
	size := flag.Int("size", 2000, "message size in bytes")
	flag.Parse()

	body := message(*size)
	var sent, failed atomic.Int64
	stop := time.Now().Add(*dur)
	start := time.Now()
	var wg sync.WaitGroup
	for i := 0; i < *conns; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var s *session
			for time.Now().Before(stop) {
				if s == nil {
					var err error
					if s, err = open(*addr); err != nil {
						failed.Add(1)
						time.Sleep(50 * time.Millisecond)
						continue
					}
				}
				if err := s.send(body, *pipeline, sent.Load()); err != nil {
					failed.Add(1)
					s.conn.Close()
					s = nil
					continue
				}
				sent.Add(1)
			}
			if s != nil {
				s.w.WriteString("QUIT\r\n")
				s.w.Flush()
				s.conn.Close()
			}
		}()
	}
	wg.Wait()
	secs := time.Since(start).Seconds()
	fmt.Printf("mails=%d seconds=%.2f mails_per_s=%.0f errors=%d\n", sent.Load(), secs,
		float64(sent.Load())/secs, failed.Load())
	if sent.Load() == 0 {
		os.Exit(1)
	}
}
