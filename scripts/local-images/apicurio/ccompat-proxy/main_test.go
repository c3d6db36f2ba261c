package main

import "testing"

func TestRewrite(t *testing.T) {
	cases := map[string]string{
		"/subjects":                     "/apis/ccompat/v7/subjects",
		"/subjects/a-value/versions":    "/apis/ccompat/v7/subjects/a-value/versions",
		"/schemas/ids/1":                "/apis/ccompat/v7/schemas/ids/1",
		"/config":                       "/apis/ccompat/v7/config",
		"/apis/registry/v3/system/info": "/apis/registry/v3/system/info",
		"/apis/ccompat/v7/subjects":     "/apis/ccompat/v7/subjects",
		"/health/ready":                 "/health/ready",
	}
	for in, want := range cases {
		if got := rewrite(in); got != want {
			t.Errorf("rewrite(%q) = %q, want %q", in, got, want)
		}
	}
}
