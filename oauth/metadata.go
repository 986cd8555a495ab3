package oauth

import (
	"net/http"

	"herald/respond"
)

// metadata is the authorization server metadata (RFC 8414) as Mastodon
// 4.3 serves it, with the non-standard app_registration_endpoint.
type metadata struct {
	Issuer                  string   `json:"issuer"`
	ServiceDocumentation    string   `json:"service_documentation"`
	AuthorizationEndpoint   string   `json:"authorization_endpoint"`
	TokenEndpoint           string   `json:"token_endpoint"`
	AppRegistrationEndpoint string   `json:"app_registration_endpoint"`
	RevocationEndpoint      string   `json:"revocation_endpoint"`
	ScopesSupported         []string `json:"scopes_supported"`
	ResponseTypesSupported  []string `json:"response_types_supported"`
	ResponseModesSupported  []string `json:"response_modes_supported"`
	CodeChallengeMethods    []string `json:"code_challenge_methods_supported"`
	GrantTypesSupported     []string `json:"grant_types_supported"`
	TokenEndpointAuthMethod []string `json:"token_endpoint_auth_methods_supported"`
}

// handleMetadata answers GET /.well-known/oauth-authorization-server.
// The issuer ends in a slash, as Mastodon's root_url does. The response
// mode is query only: Herald redirects with the code in the query.
func (s *Server) handleMetadata(w http.ResponseWriter, _ *http.Request) {
	base := s.o.Config.BaseURL
	respond.AllowCORS(w)
	w.Header().Set("Cache-Control", "max-age=3600")
	respond.JSON(w, metadata{
		Issuer: base + "/", ServiceDocumentation: "https://docs.joinmastodon.org/",
		AuthorizationEndpoint: base + "/oauth/authorize", TokenEndpoint: base + "/oauth/token",
		AppRegistrationEndpoint: base + "/api/v1/apps", RevocationEndpoint: base + "/oauth/revoke",
		ScopesSupported: Scopes, ResponseTypesSupported: []string{"code"}, ResponseModesSupported: []string{"query"},
		CodeChallengeMethods: []string{"S256"}, GrantTypesSupported: []string{grantAuthorizationCode, grantClientCredentials},
		TokenEndpointAuthMethod: []string{"client_secret_basic", "client_secret_post"},
	})
}
