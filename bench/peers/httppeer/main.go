// httppeer is the minimal Go net/http server scripts/bench measures the broker against: every
// request gets the broker's `POST /` answer, 200 with the same JSON body. GOMAXPROCS follows
// the CPUs it is pinned to (taskset), like the broker's WORKERS=1.
//
//	httppeer -addr 127.0.0.1:19091
package main

import (
	"flag"
	"log"
	"net/http"
	"strings"
)

var body = []byte(`{"error":false,"message":"Hit the broker"}`)

func main() {
	addr := flag.String("addr", "127.0.0.1:19091", "listen address (loopback)")
	flag.Parse()
	if !strings.HasPrefix(*addr, "127.") {
		log.Fatal("loopback addresses only")
	}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
	})
	server := &http.Server{Addr: *addr, Handler: handler}
	log.Fatal(server.ListenAndServe())
}
