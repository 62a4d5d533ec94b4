// Command idleconns holds many idle keep-alive connections open against an HTTP server (each
// has answered one request), then measures how fast fresh clients are answered meanwhile:
// a new connection and one GET each, one after the other. Loopback only.
//
//	go run ./cmd/idleconns -addr 127.0.0.1:58080 -idle 10000 -fresh 500 -path /ping
package main

import (
	"bufio"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "server host:port (loopback)")
	idle := flag.Int("idle", 10000, "idle keep-alive connections to hold")
	fresh := flag.Int("fresh", 500, "fresh clients to time")
	path := flag.String("path", "/ping", "path to GET")
	flag.Parse()
	if !strings.HasPrefix(*addr, "127.") && !strings.HasPrefix(*addr, "localhost") {
		fmt.Fprintln(os.Stderr, "loopback addresses only")
		os.Exit(2)
	}
	request := "GET " + *path + " HTTP/1.1\r\nHost: idle\r\n\r\n"

	one := func(c net.Conn, r *bufio.Reader) error {
		c.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := c.Write([]byte(request)); err != nil {
			return err
		}
		resp, err := http.ReadResponse(r, nil)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			return fmt.Errorf("status %d", resp.StatusCode)
		}
		return nil
	}

	// Open the idle ones, 64 at a time.
	conns := make([]net.Conn, *idle)
	var failed int
	var mu sync.Mutex
	start := time.Now()
	sem := make(chan struct{}, 64)
	var wg sync.WaitGroup
	for i := range conns {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			c, err := net.DialTimeout("tcp", *addr, 5*time.Second)
			if err == nil {
				err = one(c, bufio.NewReader(c))
			}
			if err != nil {
				mu.Lock()
				failed++
				mu.Unlock()
				if c != nil {
					c.Close()
				}
				return
			}
			c.SetDeadline(time.Time{})
			conns[i] = c
		}(i)
	}
	wg.Wait()
	fmt.Printf("idle: %d open (%d failed) in %v\n", *idle-failed, failed, time.Since(start).Round(time.Millisecond))

	// Time the fresh clients while the idle ones stay open.
	lat := make([]time.Duration, 0, *fresh)
	errors := 0
	for i := 0; i < *fresh; i++ {
		t0 := time.Now()
		c, err := net.DialTimeout("tcp", *addr, 5*time.Second)
		if err == nil {
			err = one(c, bufio.NewReader(c))
			c.Close()
		}
		if err != nil {
			errors++
			continue
		}
		lat = append(lat, time.Since(t0))
	}
	sort.Slice(lat, func(a, b int) bool { return lat[a] < lat[b] })
	pct := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[int(float64(len(lat)-1)*p)]
	}
	fmt.Printf("fresh: %d answered, %d failed; p50 %v p99 %v max %v\n", len(lat), errors,
		pct(0.50).Round(time.Microsecond), pct(0.99).Round(time.Microsecond), pct(1).Round(time.Microsecond))

	// Still open? Count the idle ones that answer a second request.
	alive := 0
	for _, c := range conns {
		if c == nil {
			continue
		}
		if one(c, bufio.NewReader(c)) == nil {
			alive++
		}
		c.Close()
	}
	fmt.Printf("idle still served: %d\n", alive)
}
