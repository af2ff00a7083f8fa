// Package reftarget is provcheck's reference target: an in-memory SCIM 2.0
// service provider that follows RFC 7643 and RFC 7644, and a SAML SP with JIT
// provisioning on the same accounts, with switchable faults.
//
// The harness must pass against it with zero failures, so where the RFCs
// leave a choice the server takes the most standard one. It is also the
// embedded default target of the CLI, and self-tests switch on one Fault at a
// time to prove that the harness notices each deviation.
//
// A Server is an http.Handler answering under BasePath ("/scim/v2"):
//
//   - discovery: /ServiceProviderConfig, /Schemas[/{urn}], /ResourceTypes[/{name}],
//     readable without authentication and read-only (405 otherwise);
//   - resources: /Users and /Groups (POST, GET with filter, sort, paging and
//     projection), /{type}/{id} (GET, PUT, PATCH, DELETE), /{type}/.search and
//     /.search (POST SearchRequest), /Bulk; /Me answers 501;
//   - every non-discovery request needs "Authorization: Bearer <token>".
//
// Users carry the core User schema and the enterprise User extension; Groups
// the core Group schema, with members that must name existing Users or
// Groups. User.groups is computed from group membership. Versions are weak
// ETags (W/"n"); If-Match and If-None-Match are honoured.
//
// Choices made where the RFCs allow more than one answer:
//
//   - unknown attributes in request bodies are ignored; readOnly attributes
//     in POST and PUT are ignored; in PATCH they are rejected (mutability),
//     except that a pathless value may restate the current id;
//   - filters on attributes a resource type does not have treat them as
//     unassigned: eq and pr are false, ne is true;
//   - a list returns at most MaxResults resources (a larger count is capped,
//     totalResults stays exact) instead of failing with tooMany;
//   - a filter on a discovery endpoint gets 403 (RFC 7644 §4 SHOULD); other
//     query parameters there are ignored;
//   - a GET filter that names the password gets 403 with scimType sensitive
//     (RFC 7644 §7.5.2); in POST .search it is allowed but never matches, as
//     the password is not kept readable;
//   - values of a multi-valued attribute with the same (type, value) pair are
//     merged into one (RFC 7643 §2.4 SHOULD NOT return a pair twice);
//   - a request body sent as anything but application/scim+json or
//     application/json gets 415; JSON extensions (comments, trailing commas,
//     a byte order mark, text after the value) are refused with 400
//     invalidSyntax, and JSON nested deeper than 10000 levels too;
//   - single resources carry ETag, Location and Content-Location (equal to
//     meta.location, RFC 7643 §3.1);
//   - joining or leaving a group changes the user's meta.version and
//     meta.lastModified, since its computed "groups" attribute changed;
//   - when both attributes and excludedAttributes are given, attributes wins;
//   - "schemas" lists the enterprise URN iff the user has enterprise data,
//     regardless of projection;
//   - PUT keeps the writeOnly password when the body omits it (clients cannot
//     read it back) and clears every other omitted readWrite attribute;
//   - a PATCH or PUT that changes nothing keeps meta.version and
//     meta.lastModified (RFC 7644 §3.5.2.1);
//   - PATCH accepts the Entra dialect: capitalised op names, "True"/"False"
//     strings for booleans, a bare value for a complex attribute with a
//     "value" sub-attribute (manager), "remove" of listed members, and "add"
//     with a value filter that matches nothing creates the value from the
//     filter's equality terms (emails[type eq "work"].value);
//   - PATCH may target "schemas": removing an extension URN removes the
//     extension's data, the core URN cannot be removed;
//   - Bulk resolves forward bulkId references by running the referring
//     operation after the POST it needs; circular references are resolved by
//     creating one resource without the references it cannot resolve yet and
//     completing it once the others exist (409 if that fails).
//
// Under SPPath ("/saml") the same Server is a SAML 2.0 service provider with
// just-in-time provisioning, built on gosaml2, whose accounts are the SCIM
// Users above: /saml/metadata, /saml/acs (HTTP-POST), /saml/login
// (SP-initiated, HTTP-Redirect) and /saml/whoami (the session's account as
// JSON). It trusts one IdP (Options.IdP or Server.TrustIdP) and declares a
// policy (SPPolicy: JIT creation, sync on login, IdP-initiated allowed,
// clock skew). Its choices:
//
//   - exactly one assertion, signed (or in a signed response) by the
//     trusted IdP, with Conditions and every AudienceRestriction holding,
//     a Destination on a signed response, the same InResponseTo on the
//     response and the bearer confirmation; InResponseTo names a pending
//     AuthnRequest of this SP (used once), or is empty when IdP-initiated
//     login is allowed; assertion IDs are remembered until they expire
//     (replay cache);
//   - the identity key is (Issuer, NameID value), byte-exact (rule R1);
//     a transient NameID is refused; an unlinked key is linked to the one
//     SCIM user whose externalId is the NameID (R7), else a new account is
//     created (userName = externalId = NameID, email, givenName, sn), all
//     under the store's lock, so concurrent first logins create one
//     account (R5); an inactive account is refused, and nothing about
//     accounts changes on a refusal (R6);
//   - an email another account holds never links (rule R4): a new NameID
//     asserting it is refused, with no account created, and sync does not
//     copy it into the login's account;
//   - with sync on, email and name are updated at every later login.
//   - an empty NameID is refused; with RequireEmail a login without email
//     is refused (R9); a second trusted IdP (TrustSecondIdP) keys its
//     NameIDs under its own entity ID, and only the first IdP's NameIDs are
//     matched to SCIM externalIds;
//   - a SCIM POST whose externalId is the NameID of an account that signs
//     in by SAML answers 409 (uniqueness) instead of creating a second
//     account (catalogue C07);
//   - a response is verified against the certificates of the IdP its
//     Issuer names only: its own and those registered for it with
//     TrustKeysCertificate (a rollover certificate, K04), never another
//     trusted IdP's (K12); RSA keys under 2048 bits are refused (K06), and
//     so is a pinned certificate outside its validity window (K11).
//   - its metadata publishes an encryption certificate (KeyDescriptor
//     use="encryption"; one key pair per process); gosaml2 decrypts
//     EncryptedAssertions with it; plaintext and encrypted assertions
//     mixed, rsa-1_5 key transport and, with RequireEncryption, a
//     plaintext assertion are refused, and every decryption failure gets
//     one answer (catalogue E, sp_enc.go).
//
// Start serves a Server on a loopback port for tests and the CLI.
//
// This package imports nothing else of provcheck.
package reftarget
