// Package reftarget is provcheck's reference target: an in-memory SCIM 2.0
// service provider that follows RFC 7643 and RFC 7644, with switchable faults.
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
// Start serves a Server on a loopback port for tests and the CLI.
//
// This package imports nothing else of provcheck.
package reftarget
