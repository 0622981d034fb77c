// An OpenID Connect provider on loopback for bench/peer: github.com/oauth2-proxy/mockoidc (the
// mock oauth2-proxy's own tests sign in against), so that oauth2-proxy can be given a real session
// cookie through its real sign-in flow without any external network. Every authorization request
// is approved for mockoidc's default user.
//
//	mockoidc LISTEN_ADDR ENV_FILE
//
// writes CLIENT_ID, CLIENT_SECRET and ISSUER to ENV_FILE once it listens, then serves until killed.
package main

import (
	"fmt"
	"log"
	"net"
	"os"
	"time"

	"github.com/oauth2-proxy/mockoidc"
)

func main() {
	if len(os.Args) != 3 {
		log.Fatal("usage: mockoidc LISTEN_ADDR ENV_FILE")
	}
	server, err := mockoidc.NewServer(nil)
	if err != nil {
		log.Fatal(err)
	}
	// The ID token's lifetime is the session's: it must outlive the benchmark, or oauth2-proxy's
	// /oauth2/auth would answer 401 half-way through.
	server.AccessTTL = 24 * time.Hour
	server.RefreshTTL = 24 * time.Hour
	listener, err := net.Listen("tcp", os.Args[1])
	if err != nil {
		log.Fatal(err)
	}
	if err := server.Start(listener, nil); err != nil {
		log.Fatal(err)
	}
	config := server.Config()
	env := fmt.Sprintf("CLIENT_ID=%s\nCLIENT_SECRET=%s\nISSUER=%s\n", config.ClientID, config.ClientSecret, config.Issuer)
	if err := os.WriteFile(os.Args[2], []byte(env), 0o600); err != nil {
		log.Fatal(err)
	}
	select {}
}
