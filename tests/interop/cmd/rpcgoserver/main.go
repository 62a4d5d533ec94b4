// rpcgoserver is the Go system's RPC server side alone: net/rpc serving RPCServer.LogInfo
// ("Processed payload via RPC:" + Name) and RPCServer.Fail, gob (rpc.ServeConn) or JSON-RPC
// (jsonrpc.ServeCodec) told apart by each connection's first byte, as our server does. It is
// the reference the RPC benchmarks measure against, in a process of its own like ours.
//
//	rpcgoserver [-addr 127.0.0.1:0]   prints "listening on <port>", serves until killed
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/rpc"
	"net/rpc/jsonrpc"
	"os"

	"microservices/interop/gologger"
)

// peeked is a connection whose first bytes were read ahead into r.
type peeked struct {
	net.Conn
	r *bufio.Reader
}

func (p peeked) Read(b []byte) (int, error) { return p.r.Read(b) }

func serve(srv *rpc.Server, conn net.Conn) {
	r := bufio.NewReader(conn)
	first, err := r.Peek(1)
	if err != nil {
		_ = conn.Close()
		return
	}
	var rwc io.ReadWriteCloser = peeked{conn, r}
	switch first[0] {
	case '{', ' ', '\t', '\r', '\n':
		srv.ServeCodec(jsonrpc.NewServerCodec(rwc))
	default:
		srv.ServeConn(rwc)
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	flag.Parse()
	srv := rpc.NewServer()
	if err := srv.Register(new(gologger.RPCServer)); err != nil {
		log.Fatal(err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("listening on %d\n", ln.Addr().(*net.TCPAddr).Port)
	_ = os.Stdout.Sync()
	for {
		conn, err := ln.Accept()
		if err != nil {
			log.Fatal(err)
		}
		go serve(srv, conn)
	}
}
