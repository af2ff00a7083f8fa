// Package mockidp is the identity-provider side of provcheck. This first
// slice holds the IdP's signing identity (an RSA key and self-signed
// certificate, generated or loaded from PEM files so a staging SP configured
// once keeps trusting it) and its SAML 2.0 metadata, built with etree. The
// SAML response builder, signer and attack mutators, and the SCIM request
// dialects, join it in later slices.
package mockidp
