// The Go contender: net/http/fcgi (standard library only) answering /hello on a Unix socket.
package main

import (
	"net"
	"net/http"
	"net/http/fcgi"
	"os"
)

func main() {
	path := os.Args[1]
	os.Remove(path)
	listener, err := net.Listen("unix", path)
	if err != nil {
		panic(err)
	}
	body := []byte("Hello, World!")
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write(body)
	})
	if err := fcgi.Serve(listener, handler); err != nil {
		panic(err)
	}
}
