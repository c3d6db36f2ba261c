module lab.local/ccompat-proxy

go 1.22
