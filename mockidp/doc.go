// Package mockidp is the identity-provider side of provcheck:
//
//   - the IdP's signing identity (an RSA key and self-signed certificate,
//     generated or loaded from PEM files so a staging SP configured once keeps
//     trusting it) and its SAML 2.0 metadata, built with etree;
//   - SAML 2.0 Responses and Assertions described as data (ResponseSpec),
//     built with etree, signed with goxmldsig under exclusive C14N, and bent
//     by named mutations at three declared stages (before signing, on the
//     signed XML tree, on the raw bytes); VerifyBenign checks the IdP's own
//     benign output with gosaml2 before it is sent;
//   - the HTTP-POST binding and AuthnRequest parsing for SP-initiated flows;
//   - the SCIM request shapes of the IdP dialects (rfc, entra, okta) that
//     the dialect packs send, each citing the vendor's documentation;
//   - the rapid generators of the stateful fuzzer (gen.go): Users, PATCH
//     operation lists and filters as syntax trees.
package mockidp
