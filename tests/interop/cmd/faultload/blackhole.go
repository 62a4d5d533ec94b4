package main

import (
	"fmt"
	"net"
	"strings"
	"sync"
)

// blackhole accepts TCP connections on loopback ports and never answers: a downstream that is
// up as far as the kernel can tell but never replies.
type blackhole struct {
	listeners []net.Listener
	mu        sync.Mutex
	conns     []net.Conn
	wg        sync.WaitGroup
}

func openBlackhole(addrs []string) (*blackhole, error) {
	b := &blackhole{}
	for _, a := range addrs {
		if !strings.HasPrefix(a, "127.") {
			b.close()
			return nil, fmt.Errorf("blackhole %s: loopback addresses only", a)
		}
		ln, err := net.Listen("tcp", a)
		if err != nil {
			b.close()
			return nil, fmt.Errorf("blackhole: %w", err)
		}
		b.listeners = append(b.listeners, ln)
		b.wg.Add(1)
		go b.accept(ln)
	}
	return b, nil
}

func (b *blackhole) accept(ln net.Listener) {
	defer b.wg.Done()
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		b.mu.Lock()
		b.conns = append(b.conns, c) // held open, never read nor written
		b.mu.Unlock()
	}
}

// close stops listening and drops every connection it held; returns how many it held.
func (b *blackhole) close() int {
	for _, ln := range b.listeners {
		ln.Close()
	}
	b.wg.Wait()
	b.mu.Lock()
	defer b.mu.Unlock()
	n := len(b.conns)
	for _, c := range b.conns {
		c.Close()
	}
	b.conns = nil
	return n
}
