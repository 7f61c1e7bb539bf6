// The Go contender: net/http/fcgi and the standard library only, one handler per shape of
// benchmarks/load/run.sh, answering the same bytes as every other contender.
package main

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/fcgi"
	"os"
	"strconv"
	"strings"
)

type user struct {
	ID     int    `json:"id"`
	Name   string `json:"name"`
	Email  string `json:"email"`
	Active bool   `json:"active"`
}

type orderItem struct {
	Sku      string `json:"sku"`
	Name     string `json:"name"`
	Quantity int    `json:"quantity"`
	Price    int    `json:"price"`
}

type order struct {
	ID       int         `json:"id"`
	Customer string      `json:"customer"`
	Email    string      `json:"email"`
	Currency string      `json:"currency"`
	Items    []orderItem `json:"items"`
	Note     string      `json:"note"`
}

type orderSummary struct {
	ID       int    `json:"id"`
	Customer string `json:"customer"`
	Items    int    `json:"items"`
	Quantity int    `json:"quantity"`
	Total    int64  `json:"total"`
}

type formAnswer struct {
	Name       string `json:"name"`
	Email      string `json:"email"`
	Age        int    `json:"age"`
	City       string `json:"city"`
	Country    string `json:"country"`
	Lang       string `json:"lang"`
	Newsletter bool   `json:"newsletter"`
	Plan       string `json:"plan"`
	Seats      int    `json:"seats"`
	Comment    string `json:"comment"`
}

type uploadAnswer struct {
	Bytes int64 `json:"bytes"`
	Sum   int64 `json:"sum"`
}

const maxPayload = 1 << 20

var payload = func() []byte {
	const alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"
	b := make([]byte, maxPayload)
	for i := range b {
		b[i] = alphabet[i&63]
	}
	return b
}()

// writeJSON marshals v (compact, as encoding/json does) and answers it.
func writeJSON(w http.ResponseWriter, v interface{}) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(body)
}

func main() {
	path := os.Args[1]
	os.Remove(path)
	listener, err := net.Listen("unix", path)
	if err != nil {
		panic(err)
	}
	hello := []byte("Hello, World!")
	mux := http.NewServeMux()
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write(hello)
	})
	mux.HandleFunc("/users/", func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/users/"))
		if err != nil {
			http.Error(w, "bad id", http.StatusBadRequest)
			return
		}
		name := "user" + strconv.Itoa(id)
		writeJSON(w, user{ID: id, Name: name, Email: name + "@example.com", Active: true})
	})
	mux.HandleFunc("/json", func(w http.ResponseWriter, r *http.Request) {
		var o order
		if r.Method != http.MethodPost || json.NewDecoder(r.Body).Decode(&o) != nil {
			http.Error(w, "bad order", http.StatusBadRequest)
			return
		}
		s := orderSummary{ID: o.ID, Customer: o.Customer, Items: len(o.Items)}
		for _, item := range o.Items {
			s.Quantity += item.Quantity
			s.Total += int64(item.Quantity) * int64(item.Price)
		}
		writeJSON(w, s)
	})
	mux.HandleFunc("/form", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.ParseForm() != nil {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		f := r.PostForm
		age, err1 := strconv.Atoi(f.Get("age"))
		seats, err2 := strconv.Atoi(f.Get("seats"))
		newsletter, err3 := strconv.ParseBool(f.Get("newsletter"))
		if err1 != nil || err2 != nil || err3 != nil {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		writeJSON(w, formAnswer{
			Name: f.Get("name"), Email: f.Get("email"), Age: age, City: f.Get("city"),
			Country: f.Get("country"), Lang: f.Get("lang"), Newsletter: newsletter,
			Plan: f.Get("plan"), Seats: seats, Comment: f.Get("comment"),
		})
	})
	mux.HandleFunc("/bytes/", func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/bytes/"))
		if err != nil || n < 0 || n > maxPayload {
			http.Error(w, "n must be between 0 and 1048576.", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(payload[:n])
	})
	mux.HandleFunc("/upload", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "POST only", http.StatusMethodNotAllowed)
			return
		}
		buf := make([]byte, 64*1024)
		var total, sum int64
		for {
			n, err := r.Body.Read(buf)
			for _, b := range buf[:n] {
				sum += int64(b)
			}
			total += int64(n)
			if err == io.EOF {
				break
			}
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
		}
		writeJSON(w, uploadAnswer{Bytes: total, Sum: sum})
	})
	if err := fcgi.Serve(listener, mux); err != nil {
		panic(err)
	}
}
