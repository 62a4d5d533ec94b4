package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// reader reads back what the system kept: the logger's entries and Mailpit's messages.
type reader struct {
	logger  string
	mailpit string
	token   string // INTERNAL_TOKEN, when the services require it
	client  *http.Client
}

func newReader(logger, mailpit string) *reader {
	return &reader{logger: strings.TrimRight(logger, "/"), mailpit: strings.TrimRight(mailpit, "/"),
		token:  os.Getenv("INTERNAL_TOKEN"),
		client: &http.Client{Timeout: 10 * time.Second}}
}

func (r *reader) get(u string, into any) error {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	if r.token != "" && strings.HasPrefix(u, r.logger) {
		req.Header.Set("Authorization", "Bearer "+r.token)
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %d %s", u, resp.StatusCode, strings.TrimSpace(string(body)))
	}
	return json.Unmarshal(body, into)
}

// logCounts: how many entries named name the logger holds, per data (the sequence number).
func (r *reader) logCounts(name string) (map[int]int, error) {
	var res struct {
		Data []struct {
			Name string `json:"name"`
			Data string `json:"data"`
		} `json:"data"`
	}
	u := r.logger + "/logs?" + url.Values{"name": {name}, "limit": {"1000"}}.Encode()
	if err := r.get(u, &res); err != nil {
		return nil, err
	}
	if len(res.Data) >= 1000 {
		return nil, fmt.Errorf("%s: 1000 entries or more, past what one read covers (lower the rate)", name)
	}
	counts := map[int]int{}
	for _, e := range res.Data {
		if e.Name != name {
			continue
		}
		if seq, err := strconv.Atoi(e.Data); err == nil {
			counts[seq]++
		}
	}
	return counts, nil
}

// mailCounts: how many messages Mailpit holds per sequence number for subjects "<tag> <seq>".
func (r *reader) mailCounts(tag string) (map[int]int, error) {
	var res struct {
		Messages []struct {
			Subject string `json:"Subject"`
		} `json:"messages"`
	}
	q := url.Values{"query": {fmt.Sprintf("subject:%q", tag)}, "limit": {"5000"}}.Encode()
	if err := r.get(r.mailpit+"/api/v1/search?"+q, &res); err != nil {
		return nil, err
	}
	counts := map[int]int{}
	for _, m := range res.Messages {
		rest, ok := strings.CutPrefix(m.Subject, tag+" ")
		if !ok {
			continue
		}
		if seq, err := strconv.Atoi(rest); err == nil {
			counts[seq]++
		}
	}
	return counts, nil
}

// forgetMails deletes this row's messages from Mailpit, which keeps a bounded number.
func (r *reader) forgetMails(tag string) {
	q := url.Values{"query": {fmt.Sprintf("subject:%q", tag)}}.Encode()
	req, _ := http.NewRequest(http.MethodDelete, r.mailpit+"/api/v1/search?"+q, nil)
	if resp, err := r.client.Do(req); err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}
