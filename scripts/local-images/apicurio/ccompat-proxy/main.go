// ccompat-proxy serves Apicurio Registry's Confluent-compatible API on the paths Confluent Schema
// Registry clients use. Apicurio serves that API under /apis/ccompat/v7 and has no setting to move
// it to the root, while Avro/Protobuf serializers, ksqlDB and Connect converters call
// http://schema-registry:8081/subjects, /schemas/ids/{id}, /config ... at the root.
//
// Requests whose path starts with /apis/ (Apicurio's own APIs) or /health go through unchanged;
// GET / answers {} as Confluent's root does; every other path is prefixed with /apis/ccompat/v7.
//
// Usage: ccompat-proxy -listen 0.0.0.0:8081 -upstream http://127.0.0.1:28081
package main

import (
	"flag"
	"log"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
)

const ccompatRoot = "/apis/ccompat/v7"

// rewrite returns the upstream path for a client path.
func rewrite(path string) string {
	if strings.HasPrefix(path, "/apis/") || path == "/apis" || strings.HasPrefix(path, "/health") {
		return path
	}
	return ccompatRoot + path
}

func main() {
	listen := flag.String("listen", "0.0.0.0:8081", "address the Confluent-compatible API is served on")
	upstream := flag.String("upstream", "http://127.0.0.1:28081", "Apicurio Registry's own HTTP address")
	flag.Parse()
	target, err := url.Parse(*upstream)
	if err != nil || target.Host == "" {
		log.Fatalf("ccompat-proxy: -upstream %q is not an http://host:port URL: %v", *upstream, err)
	}
	proxy := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(target)
			r.Out.URL.Path = rewrite(r.In.URL.Path)
			r.Out.URL.RawPath = ""
			r.SetXForwarded()
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			// Confluent's error body shape, so that clients print the reason.
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadGateway)
			_, _ = w.Write([]byte(`{"error_code":50201,"message":"Apicurio Registry behind the ccompat proxy is not answering: ` +
				strings.ReplaceAll(err.Error(), `"`, `'`) + `"}`))
		},
	}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			w.Header().Set("Content-Type", "application/vnd.schemaregistry.v1+json")
			_, _ = w.Write([]byte("{}"))
			return
		}
		proxy.ServeHTTP(w, r)
	})
	log.Printf("ccompat-proxy: Confluent Schema Registry paths on %s -> %s%s", *listen, target, ccompatRoot)
	log.Fatal(http.ListenAndServe(*listen, handler))
}
