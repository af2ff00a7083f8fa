// Package mockidp is the identity-provider side of provcheck. This first
// slice holds the IdP's signing identity (an RSA key and self-signed
// certificate, generated or loaded from PEM files so a staging SP configured
// once keeps trusting it) and its SAML 2.0 metadata, built with etree. The
// SAML response builder, signer and attack mutators join it in later slices.
// The SCIM request shapes of the IdP dialects are in scim.go, and the rapid
// generators of the stateful fuzzer (Users, PATCH operations, filters as
// syntax trees) in gen.go.
package mockidp
