package runner

import "strings"

// RFCEntry says how one normative sentence of RFC 7643 or RFC 7644 is
// accounted for: by the checks that enforce it, or by a reason no check does.
type RFCEntry struct {
	// Hash is the rfctext.Sentence.Hash of the sentence when the entry was
	// last reviewed: when the text under the key changes, the test fails
	// until the entry is reviewed again and the hash updated.
	Hash string
	// Checks are the IDs of the checks that test what the sentence requires.
	Checks []string
	// Reason, when Checks is empty, says why no check enforces the
	// sentence: a waiver, or "gap: " and the check that is still missing.
	Reason string
}

// Gap reports whether the entry is a server requirement that no check tests yet.
func (e RFCEntry) Gap() bool { return strings.HasPrefix(e.Reason, gapPrefix) }

// gapPrefix starts the Reason of a server requirement no check tests yet.
const gapPrefix = "gap: "

// Waiver reasons shared by many sentences.
const (
	waiveClient     = "client requirement: governs the client, not the server"
	waiveData       = "meaning of a value the client supplies: the server keeps and returns it, it has no behaviour of its own to test"
	waiveStorage    = "security consideration: not observable from outside (server storage)"
	waiveTLS        = "covered by the transport layer (TLS), not by SCIM"
	waivePolicy     = "security or authorization policy inside the server (tokens, subjects, access control): not observable through the protocol"
	waiveIANA       = "IANA registration procedure: governs registrants and the designated expert, not servers"
	waiveSpec       = "requirement on the authors of schemas and extensions (the specification), not on a server's behaviour"
	waiveEditorial  = "editorial convention of the RFC text (how it prints quoted values), not a protocol behaviour"
	waiveApplicable = "\"when applicable\" leaves it to the server: an absent value cannot be called wrong"
)

// RFCCoverage maps the key of every normative (MUST/SHOULD) sentence of RFC
// 7643 and RFC 7644, as internal/rfctext extracts them from fixtures/rfc
// ("7644 §3.5.2.1 #3": the third normative sentence of that section), to
// the checks that enforce it, a waiver, or a gap. A sentence is mapped to a
// check only if the check tests what the sentence requires.
// TestRFCCoverage keeps the map in step with the RFC texts and the
// catalogue; docs/rfc-coverage.md is generated from it.
var RFCCoverage = map[string]RFCEntry{
	// RFC 7643 §1.1
	// When using these values in protocol messages, the quotes MUST NOT be used as part of the value.
	"7643 §1.1 #1": {Hash: "cab7aa99", Reason: waiveEditorial},

	// RFC 7643 §1.2
	// Simple Attribute: A simple attribute MUST NOT contain sub-attributes.
	"7643 §1.2 #1": {Hash: "0b897fa2", Checks: []string{"SCIM-DISC-017"}},

	// RFC 7643 §2.1
	// SCIM resources are represented in JSON [RFC7159] format and MUST specify schema via the "schemas" attribute p…
	"7643 §2.1 #1": {Hash: "df299327", Checks: []string{"SCIM-USERS-002", "SCIM-USERS-015", "SCIM-USERS-017"}},
	// Attribute names MUST conform to the following ABNF rules:
	"7643 §2.1 #2": {Hash: "ec43a886", Checks: []string{"SCIM-USERS-017", "SCIM-DISC-011"}},

	// RFC 7643 §2.2
	// "required" is "false" (i.e., not REQUIRED),
	"7643 §2.2 #1": {Hash: "0d3ad2c5", Reason: "the default of the \"required\" characteristic, stated with the keyword in the negative (\"not REQUIRED\"); nothing to enforce"},

	// RFC 7643 §2.3
	// SCIM extensions SHOULD NOT introduce new data types.
	"7643 §2.3 #1": {Hash: "aa0d8b03", Checks: []string{"SCIM-DISC-011"}},

	// RFC 7643 §2.3.4
	// The JSON format is defined in Section 6 of [RFC7159], with the additional constraint that the value MUST NOT…
	"7643 §2.3.4 #1": {Hash: "6e6585d0", Checks: []string{"SCIM-DATA-001"}},

	// RFC 7643 §2.3.5
	// The attribute value MUST be encoded as a valid xsd:dateTime as specified in Section 3.3.7 of [XML-Schema] and…
	"7643 §2.3.5 #1": {Hash: "f1f99964", Checks: []string{"SCIM-DATA-001", "SCIM-USERS-004"}},
	// Values represented in JSON format MUST conform to the XML constraints above and are represented as a JSON str…
	"7643 §2.3.5 #2": {Hash: "bff50871", Checks: []string{"SCIM-DATA-001", "SCIM-USERS-004"}},

	// RFC 7643 §2.3.6
	// The attribute value MUST be base64 encoded as specified in Section 4 of [RFC4648].
	"7643 §2.3.6 #1": {Hash: "dafbe98c", Checks: []string{"SCIM-DATA-005"}},

	// RFC 7643 §2.3.7
	// The value MUST be the absolute or relative URI of the target resource.
	"7643 §2.3.7 #1": {Hash: "44f5357a", Checks: []string{"SCIM-DATA-001", "SCIM-GROUPS-013"}},
	// However, the base URI for relative URI resolution MUST include all URI components and path segments up to, bu…
	"7643 §2.3.7 #2": {Hash: "9cc404d4", Checks: []string{"SCIM-GROUPS-013"}},
	// A reference URI MUST be to an HTTP-addressable resource.
	"7643 §2.3.7 #3": {Hash: "17a4e5e7", Checks: []string{"SCIM-GROUPS-013"}},
	// An HTTP client performing a GET operation on a reference URI MUST receive the target resource or an appropria…
	"7643 §2.3.7 #4": {Hash: "ea3236c9", Checks: []string{"SCIM-GROUPS-013"}},

	// RFC 7643 §2.3.8
	// Servers and clients MUST NOT require or expect attributes to be in any specific order when an object is eithe…
	"7643 §2.3.8 #1": {Hash: "388e47c0", Checks: []string{"SCIM-COMMON-006"}},
	// A complex attribute MUST NOT contain sub-attributes that have sub-attributes (i.e., that are complex).
	"7643 §2.3.8 #2": {Hash: "8c06e33c", Checks: []string{"SCIM-DISC-017"}},

	// RFC 7643 §2.4
	// objects with a set of sub-attributes and values, using the JSON object format defined in Section 4 of [RFC715…
	"7643 §2.4 #1": {Hash: "bf6a0e80", Reason: "definition: says what a multi-valued attribute of objects is; nothing to enforce on its own"},
	// The predefined sub-attributes listed in this section can be used with multi-valued attribute objects, but the…
	"7643 §2.4 #2": {Hash: "0315c64b", Checks: []string{"SCIM-DATA-002", "SCIM-GROUPS-013", "SCIM-GROUPS-012"}},
	// primary: The primary attribute value "true" MUST appear no more than once.
	"7643 §2.4 #3": {Hash: "4a918f91", Checks: []string{"SCIM-DATA-002"}},
	// primary: If not specified, the value of "primary" SHALL be assumed to be "false".
	"7643 §2.4 #4": {Hash: "11d6ce89", Reason: "how a reader interprets an absent \"primary\"; no server behaviour to observe beyond SCIM-DATA-002"},
	// $ref: While the representation of a resource may vary in different SCIM protocol API versions (see Section 3.…
	"7643 §2.4 #5": {Hash: "bd05809e", Reason: gapPrefix + "no check sends a member $ref with a versioned URI (…/v2/Users/{id}) and expects it treated as the unversioned one"},
	// When returning multi-valued attributes, service providers SHOULD canonicalize the value returned (e.g., by re…
	"7643 §2.4 #6": {Hash: "749df1ff", Reason: "discretionary: \"when appropriate\" leaves the canonical form to the server; no answer can be called wrong"},
	// Service providers MAY return element objects with the same "value" sub-attribute more than once with a differ…
	"7643 §2.4 #7": {Hash: "299c6e63", Checks: []string{"SCIM-DATA-003"}},

	// RFC 7643 §2.5
	// Unassigned attributes, the null value, or an empty array (in the case of a multi-valued attribute) SHALL be c…
	"7643 §2.5 #1": {Hash: "4a155a7b", Checks: []string{"SCIM-DATA-004", "SCIM-PATCH-028"}},

	// RFC 7643 §3
	// "Schemas" Attribute: The "schemas" attribute is a REQUIRED attribute and is an array of Strings containing UR…
	"7643 §3 #1": {Hash: "65e82ff5", Checks: []string{"SCIM-USERS-002", "SCIM-USERS-015"}},
	// "Schemas" Attribute: All representations of SCIM schemas MUST include a non-empty array with value(s) of the…
	"7643 §3 #2": {Hash: "ca533ac6", Checks: []string{"SCIM-USERS-015", "SCIM-ERR-001", "SCIM-PAGE-008", "SCIM-DISC-001"}},
	// "Schemas" Attribute: The "schemas" attribute for a resource MUST only contain values defined as "schema" and…
	"7643 §3 #3": {Hash: "2bf5c5e6", Checks: []string{"SCIM-COMMON-001"}},
	// "Schemas" Attribute: Duplicate values MUST NOT be included.
	"7643 §3 #4": {Hash: "1dbb9bcb", Checks: []string{"SCIM-COMMON-001"}},
	// "Schemas" Attribute: Value order is not specified and MUST NOT impact behavior.
	"7643 §3 #5": {Hash: "b1c5d856", Checks: []string{"SCIM-COMMON-004"}},
	// Common Attributes: These attributes are not defined in any particular schema but SHALL be assumed to be prese…
	"7643 §3 #6": {Hash: "e0fea22e", Checks: []string{"SCIM-USERS-017"}},

	// RFC 7643 §3.1
	// With the exception of the "ServiceProviderConfig" and "ResourceType" server discovery endpoints and their ass…
	"7643 §3.1 #1": {Hash: "e3857c5d", Checks: []string{"SCIM-USERS-002", "SCIM-USERS-015"}},
	// When accepted by a service provider (e.g., after a SCIM create), the attributes "id" and "meta" (and its asso…
	"7643 §3.1 #2": {Hash: "be760318", Checks: []string{"SCIM-USERS-002", "SCIM-USERS-005"}},
	// The attribute characteristics (see Section 2.2) listed here SHALL take precedence over older definitions that…
	"7643 §3.1 #3": {Hash: "a5069a3b", Reason: waiveSpec},
	// id: Each representation of the resource MUST include a non-empty "id" value.
	"7643 §3.1 #4": {Hash: "9efb8037", Checks: []string{"SCIM-USERS-002", "SCIM-USERS-005"}},
	// id: This identifier MUST be unique across the SCIM service provider's entire set of resources.
	"7643 §3.1 #5": {Hash: "1844fe28", Checks: []string{"SCIM-USERS-005"}},
	// id: It MUST be a stable, non-reassignable identifier that does not change when the same resource is returned…
	"7643 §3.1 #6": {Hash: "3aa7250f", Checks: []string{"SCIM-USERS-005"}},
	// id: The value of the "id" attribute is always issued by the service provider and MUST NOT be specified by the…
	"7643 §3.1 #7": {Hash: "da5f97e5", Checks: []string{"SCIM-USERS-005"}},
	// id: The string "bulkId" is a reserved keyword and MUST NOT be used within any unique identifier value.
	"7643 §3.1 #8": {Hash: "af0e8b4e", Checks: []string{"SCIM-COMMON-002"}},
	// externalId: The value of the "externalId" attribute is always issued by the provisioning client and MUST NOT…
	"7643 §3.1 #9": {Hash: "73c3d17b", Checks: []string{"SCIM-COMMON-003"}},
	// externalId: The service provider MUST always interpret the externalId as scoped to the provisioning domain.
	"7643 §3.1 #10": {Hash: "e3b2f2a2", Reason: "scoping of externalId to the provisioning domain is visible only with several clients or tenants; one run is one client"},
	// meta: This attribute SHALL be ignored when provided by clients.
	"7643 §3.1 #11": {Hash: "91b58a3f", Checks: []string{"SCIM-USERS-006", "SCIM-USERS-021"}},
	// meta.created: This attribute MUST be a DateTime.
	"7643 §3.1 #12": {Hash: "56f7c815", Checks: []string{"SCIM-USERS-004"}},
	// meta.lastModified: If this resource has never been modified since its initial creation, the value MUST be the…
	"7643 §3.1 #13": {Hash: "a315859e", Checks: []string{"SCIM-USERS-004"}},
	// meta.location: This value MUST be the same as the "Content-Location" HTTP response header (see Section 3.1.4.…
	"7643 §3.1 #14": {Hash: "15a15f99", Checks: []string{"SCIM-COMMON-005"}},
	// meta.version: If a service provider provides "version" (entity-tag) for a representation and the generation o…
	"7643 §3.1 #15": {Hash: "fec3d900", Reason: "whether an entity-tag is strong is the server's internal knowledge; SCIM-ETAG-001 compares the opaque value with or without W/"},

	// RFC 7643 §3.3
	// The "schemas" attribute MUST contain at least one value, which SHALL be the base schema for the resource.
	"7643 §3.3 #1": {Hash: "f6da8279", Checks: []string{"SCIM-USERS-015"}},
	// Schema extensions SHOULD avoid redefining any attributes defined in this specification and SHOULD follow conv…
	"7643 §3.3 #2": {Hash: "40eb0674", Reason: waiveSpec},
	// Except for the base object schema, the schema extension URI SHALL be used as a JSON container to distinguish…
	"7643 §3.3 #3": {Hash: "7ceb1069", Checks: []string{"SCIM-USERS-011"}},

	// RFC 7643 §4.1.1
	// userName: Each User MUST include a non-empty userName value.
	"7643 §4.1.1 #1": {Hash: "037a8aca", Checks: []string{"SCIM-USERS-007", "SCIM-USERS-023"}},
	// userName: This identifier MUST be unique across the service provider's entire set of Users.
	"7643 §4.1.1 #2": {Hash: "661e14ee", Checks: []string{"SCIM-USERS-008"}},
	// userName: This attribute is REQUIRED and is case insensitive.
	"7643 §4.1.1 #3": {Hash: "dfa58479", Checks: []string{"SCIM-USERS-007", "SCIM-USERS-009", "SCIM-FILTER-008"}},
	// name: If both variants are returned, they SHOULD be describing the same name, with the formatted name indicat…
	"7643 §4.1.1 #4": {Hash: "fce31c29", Reason: waiveData},
	// displayName: The name SHOULD be the full name of the User being described, if known (e.g., "Babs Jensen" or "…
	"7643 §4.1.1 #5": {Hash: "5a283761", Reason: waiveData},
	// displayName: The value provided SHOULD be the primary textual label by which this User is normally displayed…
	"7643 §4.1.1 #6": {Hash: "5dc9152b", Reason: waiveData},
	// nickName: This attribute SHOULD NOT be used to represent a User's username (e.g., bjensen or mpepperidge).
	"7643 §4.1.1 #7": {Hash: "71aa7bb7", Reason: waiveData},
	// password: The cleartext value or the hashed value of a password SHALL NOT be returnable by a service provider.
	"7643 §4.1.1 #8": {Hash: "aa119917", Checks: []string{"SCIM-USERS-012", "SCIM-PROJ-007"}},
	// password: If a service provider holds the value locally, the value SHOULD be hashed.
	"7643 §4.1.1 #9": {Hash: "82423df3", Reason: waiveStorage},
	// password: When a password is set or changed by the client, the cleartext password SHOULD be processed by the…
	"7643 §4.1.1 #10": {Hash: "1615f652", Reason: waiveStorage},
	// password: A service provider that immediately passes the cleartext value on to another system or programming…
	"7643 §4.1.1 #11": {Hash: "2f8da071", Reason: "security consideration: how the server passes a password on to other systems is not observable from outside"},
	// password: If the value needs to be temporarily persisted for a period of time (e.g., because of a workflow) b…
	"7643 §4.1.1 #12": {Hash: "dd5a9928", Reason: waiveStorage},
	// password: The mutability of the password attribute is "writeOnly", indicating that the value MUST NOT be retu…
	"7643 §4.1.1 #13": {Hash: "9ab32f5c", Checks: []string{"SCIM-USERS-012", "SCIM-PROJ-007"}},

	// RFC 7643 §4.1.2
	// emails: The value SHOULD be specified according to [RFC5321].
	"7643 §4.1.2 #1": {Hash: "ca034c77", Reason: waiveData},
	// emails: Service providers SHOULD canonicalize the value according to [RFC5321], e.g., "bjensen@example.com" i…
	"7643 §4.1.2 #2": {Hash: "d4d765b3", Reason: gapPrefix + "no check sends an email with an upper-case domain and looks for the canonical form (a warn-level check)"},
	// phoneNumbers: The value SHOULD be specified according to the format defined in [RFC3966], e.g., 'tel:+1-201-5…
	"7643 §4.1.2 #3": {Hash: "13cac680", Reason: waiveData},
	// phoneNumbers: Service providers SHOULD canonicalize the value according to [RFC3966] format, when appropriate.
	"7643 §4.1.2 #4": {Hash: "ae0de604", Reason: "discretionary: \"when appropriate\" leaves the canonical form to the server; no answer can be called wrong"},
	// ims: No official canonicalization rules exist for all instant messaging addresses, but service providers SHOU…
	"7643 §4.1.2 #5": {Hash: "3f49f04e", Reason: "discretionary: \"when appropriate\" leaves the canonical form to the server; no answer can be called wrong"},
	// ims: The "type" sub-attribute SHOULD take one of the following values: "aim", "gtalk", "icq", "xmpp", "msn",…
	"7643 §4.1.2 #6": {Hash: "38f0e56e", Reason: waiveData},
	// photos: The resource MUST be a file (e.g., a GIF, JPEG, or PNG image file) rather than a web page containing…
	"7643 §4.1.2 #7": {Hash: "1601265c", Reason: waiveData},
	// photos: Note that this attribute SHOULD NOT be used to send down arbitrary photos taken by this user; instead…
	"7643 §4.1.2 #8": {Hash: "ac1af0ea", Reason: waiveData},
	// addresses.country: When specified, the value MUST be in ISO 3166-1 "alpha-2" code format [ISO3166]; e.g., the…
	"7643 §4.1.2 #9": {Hash: "78674c05", Reason: waiveData},
	// groups: Direct group membership indicates that the user is directly associated with the group and SHOULD indi…
	"7643 §4.1.2 #10": {Hash: "d7500c25", Reason: "definition: what direct membership means to a client; the enforceable part is the next sentences (SCIM-GROUPS-012)"},
	// groups: If the SCIM service provider exposes a "Group" resource, the "value" sub-attribute MUST be the "id",…
	"7643 §4.1.2 #11": {Hash: "fde3c298", Checks: []string{"SCIM-GROUPS-012"}},
	// groups: Since this attribute has a mutability of "readOnly", group membership changes MUST be applied via the…
	"7643 §4.1.2 #12": {Hash: "643d94db", Checks: []string{"SCIM-GROUPS-012"}},
	// x509Certificates: Each value contains exactly one DER-encoded X.509 certificate (see Section 4 of [RFC5280]),…
	"7643 §4.1.2 #13": {Hash: "511ad7a5", Checks: []string{"SCIM-DATA-005"}},
	// x509Certificates: A single value MUST NOT contain multiple certificates and so does not contain the encoding…
	"7643 §4.1.2 #14": {Hash: "84333d90", Reason: waiveData},

	// RFC 7643 §4.2
	// displayName: A human-readable name for the Group. REQUIRED.
	"7643 §4.2 #1": {Hash: "79379af7", Checks: []string{"SCIM-GROUPS-003"}},

	// RFC 7643 §4.3
	// manager.value: The "id" of the SCIM resource representing the user's manager. RECOMMENDED.
	"7643 §4.3 #1": {Hash: "649b2aa2", Checks: []string{"SCIM-PATCH-027"}},
	// manager.$ref: The URI of the SCIM resource representing the User's manager. RECOMMENDED.
	"7643 §4.3 #2": {Hash: "c007937a", Checks: []string{"SCIM-COMMON-007"}},

	// RFC 7643 §5
	// patch: A complex type that specifies PATCH configuration options. REQUIRED.
	"7643 §5 #1": {Hash: "04de2990", Checks: []string{"SCIM-DISC-002"}},
	// patch.supported: A Boolean value specifying whether or not the operation is supported. REQUIRED.
	"7643 §5 #2": {Hash: "db04a60a", Checks: []string{"SCIM-DISC-002"}},
	// bulk: A complex type that specifies bulk configuration options. See Section 3.7 of [RFC7644]. REQUIRED.
	"7643 §5 #3": {Hash: "fc3f9192", Checks: []string{"SCIM-DISC-002"}},
	// bulk.supported: A Boolean value specifying whether or not the operation is supported. REQUIRED.
	"7643 §5 #4": {Hash: "23d4551d", Checks: []string{"SCIM-DISC-002"}},
	// bulk.maxOperations: An integer value specifying the maximum number of operations. REQUIRED.
	"7643 §5 #5": {Hash: "2aea6ff1", Checks: []string{"SCIM-DISC-002"}},
	// bulk.maxPayloadSize: An integer value specifying the maximum payload size in bytes. REQUIRED.
	"7643 §5 #6": {Hash: "6534c355", Checks: []string{"SCIM-DISC-002"}},
	// filter: A complex type that specifies FILTER options. REQUIRED.
	"7643 §5 #7": {Hash: "907eb060", Checks: []string{"SCIM-DISC-002"}},
	// filter.supported: A Boolean value specifying whether or not the operation is supported. REQUIRED.
	"7643 §5 #8": {Hash: "51ac974c", Checks: []string{"SCIM-DISC-002"}},
	// filter.maxResults: An integer value specifying the maximum number of resources returned in a response. REQUIR…
	"7643 §5 #9": {Hash: "5e899a9a", Checks: []string{"SCIM-DISC-002"}},
	// changePassword: A complex type that specifies configuration options related to changing a password. REQUIRED.
	"7643 §5 #10": {Hash: "608acd63", Checks: []string{"SCIM-DISC-002"}},
	// changePassword.supported: A Boolean value specifying whether or not the operation is supported. REQUIRED.
	"7643 §5 #11": {Hash: "69c49d7b", Checks: []string{"SCIM-DISC-002"}},
	// sort: A complex type that specifies Sort configuration options. REQUIRED.
	"7643 §5 #12": {Hash: "21a32a2c", Checks: []string{"SCIM-DISC-002"}},
	// sort.supported: A Boolean value specifying whether or not sorting is supported. REQUIRED.
	"7643 §5 #13": {Hash: "54ddc566", Checks: []string{"SCIM-DISC-002"}},
	// etag: A complex type that specifies ETag configuration options. REQUIRED.
	"7643 §5 #14": {Hash: "50ad5717", Checks: []string{"SCIM-DISC-002"}},
	// etag.supported: A Boolean value specifying whether or not the operation is supported. REQUIRED.
	"7643 §5 #15": {Hash: "804b3285", Checks: []string{"SCIM-DISC-002"}},
	// authenticationSchemes: To enable seamless discovery of configurations, the service provider SHOULD, with the…
	"7643 §5 #16": {Hash: "de471313", Checks: []string{"SCIM-DISC-004"}},
	// authenticationSchemes: A multi-valued complex type that specifies supported authentication scheme properties.…
	"7643 §5 #17": {Hash: "6598a87d", Checks: []string{"SCIM-DISC-003"}},
	// authenticationSchemes.type: The authentication scheme. This specification defines the values "oauth", "oauth2…
	"7643 §5 #18": {Hash: "d4c9474e", Checks: []string{"SCIM-DISC-003"}},
	// authenticationSchemes.name: The common authentication scheme name, e.g., HTTP Basic. REQUIRED.
	"7643 §5 #19": {Hash: "18cecf94", Checks: []string{"SCIM-DISC-003"}},
	// authenticationSchemes.description: A description of the authentication scheme. REQUIRED.
	"7643 §5 #20": {Hash: "2ef18d72", Checks: []string{"SCIM-DISC-003"}},

	// RFC 7643 §6
	// Unlike other core resources, all attributes are REQUIRED unless otherwise specified.
	"7643 §6 #1": {Hash: "d59cc901", Checks: []string{"SCIM-DISC-005"}},
	// name: When applicable, service providers MUST specify the name, e.g., "User" or "Group".
	"7643 §6 #2": {Hash: "99062364", Checks: []string{"SCIM-DISC-005"}},
	// name: This name is referenced by the "meta.resourceType" attribute in all resources. REQUIRED.
	"7643 §6 #3": {Hash: "8ad20b09", Checks: []string{"SCIM-DISC-005"}},
	// description: When applicable, service providers MUST specify the description.
	"7643 §6 #4": {Hash: "68629854", Reason: waiveApplicable},
	// endpoint: The resource type's HTTP-addressable endpoint relative to the Base URL of the service provider, e.g…
	"7643 §6 #5": {Hash: "4b4e2877", Checks: []string{"SCIM-DISC-005"}},
	// schema: This MUST be equal to the "id" attribute of the associated "Schema" resource.
	"7643 §6 #6": {Hash: "5d7f0805", Checks: []string{"SCIM-DISC-007"}},
	// schema: The resource type's primary/base schema URI, e.g., "urn:ietf:params:scim:schemas:core:2.0:User". [...…
	"7643 §6 #7": {Hash: "34a10fd4", Checks: []string{"SCIM-DISC-005"}},
	// schemaExtensions.schema: This MUST be equal to the "id" attribute of a "Schema" resource.
	"7643 §6 #8": {Hash: "864731b7", Checks: []string{"SCIM-DISC-007"}},
	// schemaExtensions.schema: The URI of an extended schema, e.g., "urn:edu:2.0:Staff". [...] REQUIRED.
	"7643 §6 #9": {Hash: "d9dd11ea", Checks: []string{"SCIM-DISC-005"}},
	// schemaExtensions.required: If true, a resource of this type MUST include this schema extension and also inclu…
	"7643 §6 #10": {Hash: "7a17dea7", Checks: []string{"SCIM-DISC-015"}},
	// schemaExtensions.required: If false, a resource of this type MAY omit this schema extension. REQUIRED.
	"7643 §6 #11": {Hash: "2ca6ec5d", Checks: []string{"SCIM-DISC-005"}},

	// RFC 7643 §7
	// Unlike other core resources, the "Schema" resource MAY contain a complex object within a sub-attribute, and a…
	"7643 §7 #1": {Hash: "0e83beb5", Checks: []string{"SCIM-DISC-008", "SCIM-DISC-011"}},
	// id: When applicable, service providers MUST specify the URI, e.g., "urn:ietf:params:scim:schemas:core:2.0:Use…
	"7643 §7 #2": {Hash: "49b8ed28", Checks: []string{"SCIM-DISC-008"}},
	// id: Unlike most other schemas, which use some sort of Globally Unique Identifier (GUID) for the "id", the sch…
	"7643 §7 #3": {Hash: "9b51aedb", Checks: []string{"SCIM-DISC-008"}},
	// name: When applicable, service providers MUST specify the name, e.g., "User" or "Group".
	"7643 §7 #4": {Hash: "99062364", Checks: []string{"SCIM-DISC-008"}},
	// description: When applicable, service providers MUST specify the description.
	"7643 §7 #5": {Hash: "68629854", Reason: waiveApplicable},
	// attributes.type: When an attribute is of type "complex", there SHOULD be a corresponding schema attribute "su…
	"7643 §7 #6": {Hash: "f88b0f5c", Checks: []string{"SCIM-DISC-016"}},
	// attributes.description: When applicable, service providers MUST specify the description.
	"7643 §7 #7": {Hash: "43ecd68a", Reason: waiveApplicable},
	// attributes.caseExact: The server SHALL use case sensitivity when evaluating filters.
	"7643 §7 #8": {Hash: "c429f511", Checks: []string{"SCIM-FILTER-008"}},
	// attributes.caseExact: For attributes that are case exact, the server SHALL preserve case for any value submit…
	"7643 §7 #9": {Hash: "bd5e8239", Checks: []string{"SCIM-USERS-028"}},
	// attributes.mutability.readOnly: The attribute SHALL NOT be modified.
	"7643 §7 #10": {Hash: "8416cbac", Checks: []string{"SCIM-USERS-006", "SCIM-USERS-021", "SCIM-PATCH-023"}},
	// attributes.mutability.immutable: The attribute SHALL NOT be updated.
	"7643 §7 #11": {Hash: "803c4c87", Checks: []string{"SCIM-USERS-022", "SCIM-PATCH-023"}},
	// attributes.mutability.writeOnly: Attribute values SHALL NOT be returned (e.g., because the value is a stored…
	"7643 §7 #12": {Hash: "97f115e2", Checks: []string{"SCIM-USERS-012", "SCIM-PROJ-007"}},
	// attributes.uniqueness.server: The value SHOULD be unique within the context of the current SCIM endpoint (or…
	"7643 §7 #13": {Hash: "5aa843b9", Checks: []string{"SCIM-USERS-008", "SCIM-USERS-010"}},
	// attributes.uniqueness.server: No two resources on the same server SHOULD possess the same value.
	"7643 §7 #14": {Hash: "7dc64363", Checks: []string{"SCIM-USERS-008", "SCIM-USERS-010"}},
	// attributes.uniqueness.global: The value SHOULD be globally unique (e.g., an email address, a GUID, or other v…
	"7643 §7 #15": {Hash: "13d25d38", Reason: "global uniqueness spans servers; one target cannot show it (uniqueness within the target is SCIM-USERS-010's)"},
	// attributes.uniqueness.global: No two resources on any server SHOULD possess the same value.
	"7643 §7 #16": {Hash: "f078c026", Reason: "global uniqueness spans servers; one target cannot show it (uniqueness within the target is SCIM-USERS-010's)"},

	// RFC 7643 §9.2
	// While the SCIM protocol uses cleartext passwords for value assignment and equality-testing purposes, password…
	"7643 §9.2 #1": {Hash: "83e394da", Reason: waiveStorage},
	// Administrators should undertake industry best practices to protect the storage of credentials and in particul…
	"7643 §9.2 #2": {Hash: "d7d27527", Reason: "operational guidance for administrators, not a protocol behaviour"},

	// RFC 7643 §10.2.1
	// Once a name has been allocated, it MUST NOT be reallocated for a different purpose.
	"7643 §10.2.1 #1": {Hash: "dcab77ca", Reason: waiveIANA},
	// The rules provided for assignments of values within a sub-namespace MUST be constructed so that the meanings…
	"7643 §10.2.1 #2": {Hash: "f16402dc", Reason: waiveIANA},

	// RFC 7643 §10.3.1
	// Registration of new "core" schemas (e.g., in the namespace "urn:ietf:params:scim:schemas:core") and "API" sch…
	"7643 §10.3.1 #1": {Hash: "ed53d2e2", Reason: waiveIANA},
	// An RFC is REQUIRED for the registration of new value data types that modify existing properties.
	"7643 §10.3.1 #2": {Hash: "4ff8c38a", Reason: waiveIANA},
	// An RFC is also REQUIRED for registration of SCIM schema URIs that modify SCIM schema previously documented in…
	"7643 §10.3.1 #3": {Hash: "afc5b056", Reason: waiveIANA},
	// An RFC specifying one or more new schema URIs MUST include the completed registration templates, which MAY be…
	"7643 §10.3.1 #4": {Hash: "05b0be3e", Reason: waiveIANA},
	// The RFC SHOULD include any attributes defined.
	"7643 §10.3.1 #5": {Hash: "92b88a4b", Reason: waiveIANA},

	// RFC 7644 §1.2
	// Implementers MUST percent-encode URLs as described in Section 2.1 of [RFC3986].
	"7644 §1.2 #1": {Hash: "9cac6436", Reason: waiveClient},

	// RFC 7644 §1.3
	// Base URI: The Base URI MUST NOT contain a query string, as clients MAY append additional path information and…
	"7644 §1.3 #1": {Hash: "c48cc40e", Reason: "a rule for the configured base URL, not for the server: target.New refuses a base URL with a query string (catalogue line S22)"},

	// RFC 7644 §2
	// Bearer Tokens: Tokens that are issued based on weak or no authentication of authorizing users and/or OAuth cl…
	"7644 §2 #1": {Hash: "d09f5f98", Reason: waivePolicy},
	// Basic Authentication: Implementers SHOULD combine the use of basic authentication with other factors.
	"7644 §2 #2": {Hash: "a5fb8d11", Reason: waivePolicy},
	// As per Section 4.1 of [RFC7235], a SCIM service provider SHALL indicate supported HTTP authentication schemes…
	"7644 §2 #3": {Hash: "722b674f", Checks: []string{"SCIM-AUTH-002"}},
	// Regardless of methodology, the SCIM service provider MUST be able to map the authenticated client to an acces…
	"7644 §2 #4": {Hash: "8513db07", Checks: []string{"SCIM-AUTH-001", "SCIM-AUTH-003"}},
	// For example, while a browser session may have been established via HTTP cookie or TLS client authentication,…
	"7644 §2 #5": {Hash: "5569196b", Reason: waivePolicy},
	// When processing requests, the service provider SHOULD consider the subject performing the request and whether…
	"7644 §2 #6": {Hash: "122cf64f", Reason: waivePolicy},

	// RFC 7644 §2.1
	// When using bearer tokens or PoP tokens that represent an authorization grant, such as a grant issued by OAuth…
	"7644 §2.1 #1": {Hash: "e899a0d3", Reason: waivePolicy},
	// When using OAuth authorization tokens, implementers MUST take into account the threats and countermeasures re…
	"7644 §2.1 #2": {Hash: "a58fb5dd", Reason: waivePolicy},
	// When using other token formats or frameworks, implementers MUST take into account similar threats and counter…
	"7644 §2.1 #3": {Hash: "7b2de5a3", Reason: waivePolicy},

	// RFC 7644 §3.1
	// As with a SCIM resource, a SCIM message is a JSON object [RFC7159] that contains a "schemas" attribute with a…
	"7644 §3.1 #1": {Hash: "edfd70b7", Checks: []string{"SCIM-ERR-001", "SCIM-PAGE-008", "SCIM-BULK-001"}},
	// As SCIM protocol messages are fixed and defined by SCIM specifications and registered extensions, SCIM messag…
	"7644 §3.1 #2": {Hash: "016673de", Checks: []string{"SCIM-DISC-013"}},
	// Similarly, a SCIM client SHOULD NOT expect a service provider to return SCIM resources with exactly the same…
	"7644 §3.1 #3": {Hash: "5aba1517", Reason: waiveClient},
	// SCIM responses SHALL reflect resource state as interpreted by the SCIM service provider.
	"7644 §3.1 #4": {Hash: "09410ad9", Checks: []string{"SCIM-PATCH-026", "SCIM-USERS-028"}},

	// RFC 7644 §3.2
	// Service providers that support extended resources SHOULD define resource endpoints using the convention of pl…
	"7644 §3.2 #1": {Hash: "fc5f4ed5", Checks: []string{"SCIM-DISC-018"}},
	// Given that there are cases where resource pluralization is ambiguous, e.g., a resource named "Person" is legi…
	"7644 §3.2 #2": {Hash: "9268268d", Reason: waiveClient},
	// PUT: PUT MUST NOT be used to create new resources.
	"7644 §3.2 #3": {Hash: "67770f78", Checks: []string{"SCIM-USERS-020"}},
	// Error status codes SHOULD be transmitted via the HTTP status code of the response (if possible) and SHOULD al…
	"7644 §3.2 #4": {Hash: "3b67aa22", Checks: []string{"SCIM-ERR-001", "SCIM-ERR-002", "SCIM-ERR-003"}},

	// RFC 7644 §3.3
	// The server SHALL process attributes according to the following mutability rules:
	"7644 §3.3 #1": {Hash: "0a6cfbb8", Checks: []string{"SCIM-USERS-006"}},
	// In the request body, attributes whose mutability is "readOnly" (see Sections 2.2 and 7 of [RFC7643]) SHALL be…
	"7644 §3.3 #2": {Hash: "1524633a", Checks: []string{"SCIM-USERS-005", "SCIM-USERS-006"}},
	// When the service provider successfully creates the new resource, an HTTP response SHALL be returned with HTTP…
	"7644 §3.3 #3": {Hash: "835e658e", Checks: []string{"SCIM-USERS-001", "SCIM-GROUPS-001"}},
	// The response body SHOULD contain the service provider's representation of the newly created resource.
	"7644 §3.3 #4": {Hash: "22b098b3", Checks: []string{"SCIM-USERS-002"}},
	// The URI of the created resource SHALL include, in the HTTP "Location" header and the HTTP body, a JSON repres…
	"7644 §3.3 #5": {Hash: "b4525acb", Checks: []string{"SCIM-USERS-003"}},
	// If the service provider determines that the creation of the requested resource conflicts with existing resour…
	"7644 §3.3 #6": {Hash: "6b748cfd", Checks: []string{"SCIM-USERS-008"}},

	// RFC 7644 §3.3.1
	// When adding a resource to a specific endpoint, the meta attribute "resourceType" SHALL be set by the HTTP ser…
	"7644 §3.3.1 #1": {Hash: "5f474000", Checks: []string{"SCIM-USERS-003"}},

	// RFC 7644 §3.4.2
	// SCIM service providers MAY support additional query parameters not specified here and SHOULD ignore any query…
	"7644 §3.4.2 #1": {Hash: "f332e946", Checks: []string{"SCIM-PAGE-009"}},
	// Responses MUST be identified using the following URI: "urn:ietf:params:scim:api:messages:2.0:ListResponse".
	"7644 §3.4.2 #2": {Hash: "1d2f03dc", Checks: []string{"SCIM-PAGE-008"}},
	// totalResults: The total number of results returned by the list or query operation. The value may be larger th…
	"7644 §3.4.2 #3": {Hash: "984b689e", Checks: []string{"SCIM-PAGE-008"}},
	// Resources: A multi-valued list of complex objects containing the requested resources. This MAY be a subset of…
	"7644 §3.4.2 #4": {Hash: "45bab9c3", Checks: []string{"SCIM-PAGE-008"}},
	// startIndex: The 1-based index of the first result in the current set of list results. REQUIRED when partial r…
	"7644 §3.4.2 #5": {Hash: "e1592609", Checks: []string{"SCIM-PAGE-008"}},
	// itemsPerPage: The number of resources returned in a list response page. REQUIRED when partial results are ret…
	"7644 §3.4.2 #6": {Hash: "dbf9b7ae", Checks: []string{"SCIM-PAGE-008"}},
	// A query that does not return any matches SHALL return success (HTTP status code 200) with "totalResults" set…
	"7644 §3.4.2 #7": {Hash: "676e694b", Checks: []string{"SCIM-FILTER-011", "SCIM-ENTRA-001", "SCIM-OKTA-001"}},

	// RFC 7644 §3.4.2.1
	// A query against a server root indicates that all resources within the server SHALL be included, subject to fi…
	"7644 §3.4.2.1 #1": {Hash: "74d10c86", Checks: []string{"SCIM-SEARCH-002"}},
	// If a SCIM service provider determines that too many results would be returned (e.g., because a client queried…
	"7644 §3.4.2.1 #2": {Hash: "f973f25c", Checks: []string{"SCIM-FILTER-014"}},
	// When processing query operations using endpoints that include more than one SCIM resource type (e.g., a query…
	"7644 §3.4.2.1 #3": {Hash: "d2cb282b", Checks: []string{"SCIM-SEARCH-002"}},
	// For filtered attributes that are not part of a particular resource type, the service provider SHALL treat the…
	"7644 §3.4.2.1 #4": {Hash: "9d77aa00", Checks: []string{"SCIM-SEARCH-002"}},

	// RFC 7644 §3.4.2.2
	// When specified, only those resources matching the filter expression SHALL be returned.
	"7644 §3.4.2.2 #1": {Hash: "33bbbcc1", Checks: []string{"SCIM-FILTER-001", "SCIM-FILTER-016"}},
	// The filter parameter MUST contain at least one valid expression (see Table 3).
	"7644 §3.4.2.2 #2": {Hash: "114a9bd2", Checks: []string{"SCIM-FILTER-012"}},
	// Each expression MUST contain an attribute name followed by an attribute operator and optional value.
	"7644 §3.4.2.2 #3": {Hash: "8c5566e4", Checks: []string{"SCIM-FILTER-012"}},
	// gt: Boolean and Binary attributes SHALL cause a failed response (HTTP status code 400) with "scimType" of "in…
	"7644 §3.4.2.2 #4": {Hash: "615299b0", Checks: []string{"SCIM-FILTER-013"}},
	// ge: Boolean and Binary attributes SHALL cause a failed response (HTTP status code 400) with "scimType" of "in…
	"7644 §3.4.2.2 #5": {Hash: "77354e0a", Checks: []string{"SCIM-FILTER-013"}},
	// lt: Boolean and Binary attributes SHALL cause a failed response (HTTP status code 400) with "scimType" of "in…
	"7644 §3.4.2.2 #6": {Hash: "b073cb5f", Checks: []string{"SCIM-FILTER-013"}},
	// le: Boolean and Binary attributes SHALL cause a failed response (HTTP status code 400) with "scimType" of "in…
	"7644 §3.4.2.2 #7": {Hash: "b5a6cc50", Checks: []string{"SCIM-FILTER-013"}},
	// [ ]: Service providers MAY support complex filters where expressions MUST be applied to the same value of a p…
	"7644 §3.4.2.2 #8": {Hash: "76dab413", Checks: []string{"SCIM-FILTER-006"}},
	// [ ]: The expression within square brackets ("[" and "]") MUST be a valid filter expression based upon sub-att…
	"7644 §3.4.2.2 #9": {Hash: "c570ff9c", Checks: []string{"SCIM-FILTER-006"}},
	// SCIM filters MUST conform to the following ABNF [RFC5234] rules as specified below:
	"7644 §3.4.2.2 #10": {Hash: "0a876e7d", Checks: []string{"SCIM-FILTER-012", "SCIM-FILTER-016"}},
	// Filters MUST be evaluated using the following order of operations, in order of precedence:
	"7644 §3.4.2.2 #11": {Hash: "7437dbb3", Checks: []string{"SCIM-FILTER-005"}},
	// For complex attributes, a fully qualified sub-attribute MUST be specified using standard attribute notation (…
	"7644 §3.4.2.2 #12": {Hash: "02cc7dd4", Reason: waiveClient},
	// When applying a comparison (e.g., "eq") or presence filter (e.g., "pr") to a defaulted attribute, the service…
	"7644 §3.4.2.2 #13": {Hash: "f8a9db9e", Checks: []string{"SCIM-FILTER-017"}},
	// Providers MUST decline to filter results if the specified filter operation is not recognized and return an HT…
	"7644 §3.4.2.2 #14": {Hash: "c1b39cf2", Checks: []string{"SCIM-FILTER-013"}},
	// When comparing attributes of type String, the case sensitivity for String type attributes SHALL be determined…
	"7644 §3.4.2.2 #15": {Hash: "81e9da74", Checks: []string{"SCIM-FILTER-008"}},

	// RFC 7644 §3.4.2.3
	// sortBy: The "sortBy" parameter specifies the attribute whose value SHALL be used to order the returned respon…
	"7644 §3.4.2.3 #1": {Hash: "f5cfc510", Checks: []string{"SCIM-SORT-001", "SCIM-SORT-004"}},
	// sortOrder: If a value for "sortBy" is provided and no "sortOrder" is specified, "sortOrder" SHALL default to…
	"7644 §3.4.2.3 #2": {Hash: "862ec89a", Checks: []string{"SCIM-SORT-001"}},
	// sortOrder: "sortOrder" MUST sort according to the attribute type; i.e., for case-insensitive attributes, sort…
	"7644 §3.4.2.3 #3": {Hash: "fedd3350", Checks: []string{"SCIM-SORT-002", "SCIM-SORT-003"}},

	// RFC 7644 §3.4.2.4
	// Because pagination is not stateful, clients MUST be prepared to handle inconsistent results.
	"7644 §3.4.2.4 #1": {Hash: "9ff8abdf", Reason: waiveClient},
	// startIndex: A value less than 1 SHALL be interpreted as 1.
	"7644 §3.4.2.4 #2": {Hash: "cfd38270", Checks: []string{"SCIM-PAGE-003"}},
	// count: A negative value SHALL be interpreted as "0".
	"7644 §3.4.2.4 #3": {Hash: "67aba2d0", Checks: []string{"SCIM-PAGE-005"}},
	// count: When specified, the service provider MUST NOT return more results than specified, although it MAY retu…
	"7644 §3.4.2.4 #4": {Hash: "4d3625a9", Checks: []string{"SCIM-PAGE-001", "SCIM-PAGE-006", "SCIM-OKTA-009"}},

	// RFC 7644 §3.4.2.5
	// The following attributes control which attributes SHALL be returned with a returned resource.
	"7644 §3.4.2.5 #1": {Hash: "9d09d58d", Checks: []string{"SCIM-PROJ-001", "SCIM-PROJ-002"}},
	// SCIM clients MAY use one of these two OPTIONAL parameters, which MUST be supported by SCIM service providers:
	"7644 §3.4.2.5 #2": {Hash: "da5211cd", Checks: []string{"SCIM-PROJ-001", "SCIM-PROJ-002"}},
	// attributes: Attribute names MUST be in standard attribute notation (Section 3.10) form.
	"7644 §3.4.2.5 #3": {Hash: "613806fd", Checks: []string{"SCIM-PROJ-005", "SCIM-PROJ-006"}},
	// excludedAttributes: This parameter SHALL have no effect on attributes whose schema "returned" setting is "alw…
	"7644 §3.4.2.5 #4": {Hash: "644555bd", Checks: []string{"SCIM-PROJ-002"}},
	// excludedAttributes: Attribute names MUST be in standard attribute notation (Section 3.10) form.
	"7644 §3.4.2.5 #5": {Hash: "34ab9513", Checks: []string{"SCIM-PROJ-006"}},

	// RFC 7644 §3.4.3
	// The inclusion of "/.search" on the end of a valid SCIM endpoint SHALL be used to indicate that the HTTP POST…
	"7644 §3.4.3 #1": {Hash: "cf87a7a2", Checks: []string{"SCIM-SEARCH-001"}},
	// Query requests MUST be identified using the following URI: "urn:ietf:params:scim:api:messages:2.0:SearchReque…
	"7644 §3.4.3 #2": {Hash: "49d46b32", Reason: waiveClient},
	// attributes: Attribute names MUST be in standard attribute notation (Section 3.10) form.
	"7644 §3.4.3 #3": {Hash: "613806fd", Checks: []string{"SCIM-SEARCH-001"}},
	// excludedAttributes: This parameter SHALL have no effect on attributes whose schema "returned" setting is "alw…
	"7644 §3.4.3 #4": {Hash: "644555bd", Checks: []string{"SCIM-SEARCH-004"}},
	// excludedAttributes: Attribute names MUST be in standard attribute notation (Section 3.10) form.
	"7644 §3.4.3 #5": {Hash: "34ab9513", Checks: []string{"SCIM-SEARCH-004"}},
	// filter: The filter string MUST be a valid filter (Section 3.4.2.2) expression.
	"7644 §3.4.3 #6": {Hash: "c9b05b73", Checks: []string{"SCIM-SEARCH-003"}},
	// sortBy: A string indicating the attribute whose value SHALL be used to order the returned responses.
	"7644 §3.4.3 #7": {Hash: "c543106a", Checks: []string{"SCIM-SEARCH-005"}},
	// sortBy: The "sortBy" attribute MUST be in standard attribute notation (Section 3.10) form.
	"7644 §3.4.3 #8": {Hash: "3e4b7bef", Checks: []string{"SCIM-SEARCH-005"}},

	// RFC 7644 §3.5
	// Implementers MUST support HTTP PUT as specified in Section 4.3 of [RFC7231].
	"7644 §3.5 #1": {Hash: "48c07e9f", Checks: []string{"SCIM-USERS-018"}},
	// Resources such as Groups may be very large; hence, implementers SHOULD support HTTP PATCH [RFC5789] to enable…
	"7644 §3.5 #2": {Hash: "152f2782", Checks: []string{"SCIM-PATCH-033"}},

	// RFC 7644 §3.5.1
	// Because SCIM resource identifiers are assigned by the service provider, HTTP PUT MUST NOT be used to create n…
	"7644 §3.5.1 #1": {Hash: "a5f50aa4", Checks: []string{"SCIM-USERS-020"}},
	// readWrite, writeOnly: Any values provided SHALL replace the existing attribute values.
	"7644 §3.5.1 #2": {Hash: "466487ca", Checks: []string{"SCIM-USERS-018"}},
	// readWrite, writeOnly: Service providers MAY take into account whether or not a client has access to, or under…
	"7644 §3.5.1 #3": {Hash: "9c480cb8", Checks: []string{"SCIM-USERS-019"}},
	// immutable: If one or more values are already set for the attribute, the input value(s) MUST match, or HTTP st…
	"7644 §3.5.1 #4": {Hash: "8fda1926", Checks: []string{"SCIM-USERS-022"}},
	// immutable: If the service provider has no existing values, the new value(s) SHALL be applied.
	"7644 §3.5.1 #5": {Hash: "48ca0c4b", Reason: gapPrefix + "no check PUTs a value into an immutable attribute that has none yet (needs a target schema with an immutable attribute)"},
	// readOnly: Any values provided SHALL be ignored.
	"7644 §3.5.1 #6": {Hash: "5382f2d1", Checks: []string{"SCIM-USERS-021", "SCIM-OKTA-003"}},
	// If an attribute is "required", clients MUST specify the attribute in the PUT request.
	"7644 §3.5.1 #7": {Hash: "4c99c0f9", Checks: []string{"SCIM-USERS-023"}},

	// RFC 7644 §3.5.2
	// The body of each request MUST contain the "schemas" attribute with the URI value of "urn:ietf:params:scim:api…
	"7644 §3.5.2 #1": {Hash: "c90d601b", Checks: []string{"SCIM-PATCH-002"}},
	// The body of an HTTP PATCH request MUST contain the attribute "Operations", whose value is an array of one or…
	"7644 §3.5.2 #2": {Hash: "99dad30a", Checks: []string{"SCIM-PATCH-003"}},
	// Each PATCH operation object MUST have exactly one "op" member, whose value indicates the operation to perform…
	"7644 §3.5.2 #3": {Hash: "a9a264bc", Checks: []string{"SCIM-PATCH-004", "SCIM-PATCH-005"}},
	// The "path" attribute is OPTIONAL for "add" and "replace" and is REQUIRED for "remove" operations.
	"7644 §3.5.2 #4": {Hash: "fe31e54a", Checks: []string{"SCIM-PATCH-020"}},
	// Each operation against an attribute MUST be compatible with the attribute's mutability and schema as defined…
	"7644 §3.5.2 #5": {Hash: "42fcfd0a", Checks: []string{"SCIM-PATCH-023"}},
	// For example, a client MUST NOT modify an attribute that has mutability "readOnly" or "immutable".
	"7644 §3.5.2 #6": {Hash: "dc2b81be", Checks: []string{"SCIM-PATCH-023"}},
	// An operation that is not compatible with an attribute's mutability or schema SHALL return the appropriate HTT…
	"7644 §3.5.2 #7": {Hash: "c91ade6e", Checks: []string{"SCIM-PATCH-023", "SCIM-PATCH-022"}},
	// For all operations, the value of the "schemas" attribute on the SCIM service provider's representation of the…
	"7644 §3.5.2 #8": {Hash: "851134a4", Checks: []string{"SCIM-PATCH-011"}},
	// If one of the PATCH operations modifies the "schemas" attribute, subsequent operations SHALL assume the modif…
	"7644 §3.5.2 #9": {Hash: "7f5b52c0", Checks: []string{"SCIM-PATCH-034"}},
	// For multi-valued attributes, a PATCH operation that sets a value's "primary" sub-attribute to "true" SHALL ca…
	"7644 §3.5.2 #10": {Hash: "afd97040", Checks: []string{"SCIM-PATCH-024"}},
	// A PATCH request, regardless of the number of operations, SHALL be treated as atomic.
	"7644 §3.5.2 #11": {Hash: "24229c2d", Checks: []string{"SCIM-PATCH-025", "SCIM-GROUPS-010"}},
	// If a single operation encounters an error condition, the original SCIM resource MUST be restored, and a failu…
	"7644 §3.5.2 #12": {Hash: "6c9ee6c1", Checks: []string{"SCIM-PATCH-025"}},
	// If a request fails, the server SHALL return an HTTP response status code and a JSON detail error response as…
	"7644 §3.5.2 #13": {Hash: "050daa1a", Checks: []string{"SCIM-PATCH-032"}},
	// On successful completion, the server either MUST return a 200 OK response code and the entire resource within…
	"7644 §3.5.2 #14": {Hash: "605faeaf", Checks: []string{"SCIM-PATCH-026"}},
	// The server MUST return a 200 OK if the "attributes" parameter is specified in the request.
	"7644 §3.5.2 #15": {Hash: "520c4167", Checks: []string{"SCIM-PROJ-004"}},

	// RFC 7644 §3.5.2.1
	// The operation MUST contain a "value" member whose content specifies the value to be added.
	"7644 §3.5.2.1 #1": {Hash: "a575a232", Checks: []string{"SCIM-PATCH-030"}},
	// If the target location specifies a complex attribute, a set of sub-attributes SHALL be specified in the "valu…
	"7644 §3.5.2.1 #2": {Hash: "62bced26", Checks: []string{"SCIM-PATCH-009"}},
	// If the target location already contains the value specified, no changes SHOULD be made to the resource, and a…
	"7644 §3.5.2.1 #3": {Hash: "b19c67e2", Checks: []string{"SCIM-PATCH-010", "SCIM-GROUPS-009"}},
	// Unless other operations change the resource, this operation SHALL NOT change the modify timestamp of the reso…
	"7644 §3.5.2.1 #4": {Hash: "6cdebf98", Checks: []string{"SCIM-PATCH-010"}},

	// RFC 7644 §3.5.2.2
	// If the target location is a single-value attribute, the attribute and its associated value is removed, and th…
	"7644 §3.5.2.2 #1": {Hash: "ca159632", Checks: []string{"SCIM-PATCH-019"}},
	// If the target location is a multi-valued attribute and no filter is specified, the attribute and all values a…
	"7644 §3.5.2.2 #2": {Hash: "1adfc207", Checks: []string{"SCIM-PATCH-019", "SCIM-GROUPS-006"}},
	// If no other values remain after removal of the selected values, the multi-valued attribute SHALL be considere…
	"7644 §3.5.2.2 #3": {Hash: "2fed049d", Checks: []string{"SCIM-PATCH-031"}},
	// Sub-attributes whose values have been removed SHALL be considered unassigned.
	"7644 §3.5.2.2 #4": {Hash: "8a0b8aa4", Checks: []string{"SCIM-PATCH-031"}},
	// If the complex multi-valued attribute has no remaining records, the attribute SHALL be considered unassigned.
	"7644 §3.5.2.2 #5": {Hash: "da0df801", Checks: []string{"SCIM-PATCH-031"}},
	// If an attribute is removed or becomes unassigned and is defined as a required attribute or a read-only attrib…
	"7644 §3.5.2.2 #6": {Hash: "30e71110", Checks: []string{"SCIM-PATCH-022"}},

	// RFC 7644 §3.5.2.3
	// In this case, the "value" attribute SHALL contain a list of one or more attributes that are to be replaced.
	"7644 §3.5.2.3 #1": {Hash: "fa537c19", Checks: []string{"SCIM-PATCH-015", "SCIM-ENTRA-010", "SCIM-OKTA-004"}},
	// If the target location path specifies an attribute that does not exist, the service provider SHALL treat the…
	"7644 §3.5.2.3 #2": {Hash: "a7193273", Checks: []string{"SCIM-PATCH-018"}},
	// If the target location specifies a complex attribute, a set of sub-attributes SHALL be specified in the "valu…
	"7644 §3.5.2.3 #3": {Hash: "937fc453", Checks: []string{"SCIM-PATCH-009"}},
	// If the target location is a multi-valued attribute and a value selection ("valuePath") filter is specified th…
	"7644 §3.5.2.3 #4": {Hash: "85bfc7dc", Checks: []string{"SCIM-PATCH-016"}},
	// If the target location is a multi-valued attribute for which a value selection filter ("valuePath") has been…
	"7644 §3.5.2.3 #5": {Hash: "0c6aeafa", Checks: []string{"SCIM-PATCH-017"}},

	// RFC 7644 §3.6
	// Service providers MAY choose not to permanently delete the resource but MUST return a 404 (Not Found) error c…
	"7644 §3.6 #1": {Hash: "d850b2a2", Checks: []string{"SCIM-USERS-025", "SCIM-USERS-026"}},
	// Service providers MUST omit the resource from future query results.
	"7644 §3.6 #2": {Hash: "7225f429", Checks: []string{"SCIM-USERS-025", "SCIM-ENTRA-006"}},
	// In addition, the service provider SHOULD NOT consider the deleted resource in conflict calculation.
	"7644 §3.6 #3": {Hash: "c61c8b71", Checks: []string{"SCIM-USERS-029"}},
	// For example, if a User resource is deleted, a CREATE request for a User resource with the same userName as th…
	"7644 §3.6 #4": {Hash: "c371f60d", Checks: []string{"SCIM-USERS-029"}},
	// In response to a successful DELETE, the server SHALL return a successful HTTP status code 204 (No Content).
	"7644 §3.6 #5": {Hash: "8dfec0f7", Checks: []string{"SCIM-USERS-025", "SCIM-ENTRA-006"}},

	// RFC 7644 §3.7
	// Operations: Defines operations within a bulk job. Each operation corresponds to a single HTTP request against…
	"7644 §3.7 #1": {Hash: "c22513b5", Checks: []string{"SCIM-BULK-001"}},
	// Operations.method: The HTTP method of the current operation. Possible values are "POST", "PUT", "PATCH", or "…
	"7644 §3.7 #2": {Hash: "c4a6f8ff", Checks: []string{"SCIM-BULK-001"}},
	// Operations.bulkId: The transient identifier of a newly created resource, unique within a bulk request and cre…
	"7644 §3.7 #3": {Hash: "91ef8a72", Checks: []string{"SCIM-BULK-007", "SCIM-BULK-001"}},
	// Operations.path: The resource's relative path to the SCIM service provider's root. If "method" is "POST", the…
	"7644 §3.7 #4": {Hash: "32015002", Checks: []string{"SCIM-BULK-006"}},
	// Operations.data: The resource data as it would appear for a single SCIM POST, PUT, or PATCH operation. REQUIR…
	"7644 §3.7 #5": {Hash: "217e3c4b", Checks: []string{"SCIM-BULK-006"}},
	// Operations.location: The resource endpoint URL. REQUIRED in a response, except in the event of a POST failure.
	"7644 §3.7 #6": {Hash: "dc3c145f", Checks: []string{"SCIM-BULK-001", "SCIM-BULK-010"}},
	// Operations.response: When indicating a response with an HTTP status other than a 200-series response, the res…
	"7644 §3.7 #7": {Hash: "8fab58d1", Checks: []string{"SCIM-BULK-005"}},
	// Operations.status: When indicating an error, the "response" attribute MUST contain the detail error response…
	"7644 §3.7 #8": {Hash: "6d5c6a62", Checks: []string{"SCIM-BULK-005"}},
	// If a bulk job is processed successfully, HTTP response code 200 OK MUST be returned; otherwise, an appropriat…
	"7644 §3.7 #9": {Hash: "c5d88f34", Checks: []string{"SCIM-BULK-001"}},
	// The service provider MUST continue performing as many changes as possible and disregard partial failures.
	"7644 §3.7 #10": {Hash: "229b75ce", Checks: []string{"SCIM-BULK-005"}},
	// The service provider MUST return the same "bulkId" together with the newly created resource.
	"7644 §3.7 #11": {Hash: "086f40be", Checks: []string{"SCIM-BULK-001"}},
	// When doing so, the service provider MUST ensure that the client's intent is preserved and the same stateful r…
	"7644 §3.7 #12": {Hash: "1315cad8", Checks: []string{"SCIM-BULK-002", "SCIM-BULK-010"}},

	// RFC 7644 §3.7.1
	// The service provider MUST try to resolve circular cross-references between resources in a single bulk job but…
	"7644 §3.7.1 #1": {Hash: "61c9f8e5", Checks: []string{"SCIM-BULK-003"}},

	// RFC 7644 §3.7.2
	// The service provider MUST replace the string "bulkId:qwerty" with the permanent resource id once created.
	"7644 §3.7.2 #1": {Hash: "c0799706", Checks: []string{"SCIM-BULK-002"}},
	// Extensions that include references to other resources MUST be handled in the same way by the service provider.
	"7644 §3.7.2 #2": {Hash: "55d8b38f", Checks: []string{"SCIM-BULK-011"}},

	// RFC 7644 §3.7.3
	// The service provider response MUST include the result of all processed operations.
	"7644 §3.7.3 #1": {Hash: "f36e30d8", Checks: []string{"SCIM-BULK-001", "SCIM-BULK-005"}},
	// A "location" attribute that includes the resource's endpoint MUST be returned for all operations except for f…
	"7644 §3.7.3 #2": {Hash: "2f1758ef", Checks: []string{"SCIM-BULK-001", "SCIM-BULK-005", "SCIM-BULK-010"}},
	// The status attribute MUST include the code attribute that holds the HTTP response code that would have been r…
	"7644 §3.7.3 #3": {Hash: "15afbe13", Checks: []string{"SCIM-BULK-001", "SCIM-BULK-010"}},
	// If an error occurred, the status MUST also include the description attribute containing a human-readable expl…
	"7644 §3.7.3 #4": {Hash: "b96ae4f9", Reason: "contradicted by the RFC's own examples, where \"status\" is a string and the error detail is in \"response\" (§3.7 #8, checked by SCIM-BULK-005)"},

	// RFC 7644 §3.7.4
	// The service provider MUST define the maximum number of operations and maximum payload size a client may send…
	"7644 §3.7.4 #1": {Hash: "68a945e5", Checks: []string{"SCIM-DISC-002", "SCIM-BULK-008", "SCIM-BULK-009"}},
	// If either limit is exceeded, the service provider MUST return HTTP response code 413 (Payload Too Large).
	"7644 §3.7.4 #2": {Hash: "26bc2a99", Checks: []string{"SCIM-BULK-008", "SCIM-BULK-009"}},
	// The returned response MUST specify the limit exceeded in the body of the error response.
	"7644 §3.7.4 #3": {Hash: "8e41a195", Checks: []string{"SCIM-BULK-008", "SCIM-BULK-009"}},

	// RFC 7644 §3.8
	// Servers MUST accept requests and be able to return JSON-structured responses using UTF-8 encoding [RFC3629].
	"7644 §3.8 #1": {Hash: "a49b5659", Checks: []string{"SCIM-HTTP-003"}},
	// UTF-8 SHALL be the default encoding format.
	"7644 §3.8 #2": {Hash: "119c2d30", Checks: []string{"SCIM-HTTP-003"}},
	// Clients using other encodings MUST specify the format in which the data is submitted via an HTTP "Content-Typ…
	"7644 §3.8 #3": {Hash: "4698f751", Reason: waiveClient},
	// Service providers MUST support the "Accept" header "Accept: application/scim+json" and SHOULD support the hea…
	"7644 §3.8 #4": {Hash: "f7512d31", Checks: []string{"SCIM-HTTP-002", "SCIM-HTTP-004"}},

	// RFC 7644 §3.9
	// attributes: When specified, the default list of attributes SHALL be overridden, and each resource returned MU…
	"7644 §3.9 #1": {Hash: "aa83eec2", Checks: []string{"SCIM-PROJ-001", "SCIM-PROJ-004", "SCIM-PROJ-005"}},
	// excludedAttributes: When specified, each resource returned MUST contain the minimum set of resource attribute…
	"7644 §3.9 #2": {Hash: "59aef22d", Checks: []string{"SCIM-PROJ-002", "SCIM-GROUPS-011"}},

	// RFC 7644 §3.10
	// Clients MAY omit core schema attribute URN prefixes but SHOULD fully qualify extended attributes with the ass…
	"7644 §3.10 #1": {Hash: "3516005f", Reason: waiveClient},

	// RFC 7644 §3.11
	// A service provider that does NOT support this feature SHOULD respond with HTTP status code 501 (Not Implement…
	"7644 §3.11 #1": {Hash: "52f9639f", Checks: []string{"SCIM-ME-001"}},
	// In any response, the HTTP "Location" header MUST be the permanent location of the aliased resource associated…
	"7644 §3.11 #2": {Hash: "5311c555", Checks: []string{"SCIM-ME-001"}},

	// RFC 7644 §3.12
	// In addition to returning an HTTP response code, implementers MUST return the errors in the body of the respon…
	"7644 §3.12 #1": {Hash: "6d6431f8", Checks: []string{"SCIM-ERR-001"}},
	// status: The HTTP status code (see Section 6 of [RFC7231]) expressed as a JSON string. REQUIRED.
	"7644 §3.12 #2": {Hash: "346a6ddb", Checks: []string{"SCIM-ERR-001"}},
	// Implementers SHOULD handle the identified HTTP status codes as described below.
	"7644 §3.12 #3": {Hash: "a3e20434", Checks: []string{"SCIM-ERR-002", "SCIM-ERR-004", "SCIM-DISC-010", "SCIM-USERS-016"}},
	// 307 (Temporary Redirect): The client SHOULD NOT use the location provided in the response as a permanent refe…
	"7644 §3.12 #4": {Hash: "36db8b59", Reason: waiveClient},
	// 308 (Permanent Redirect): The client SHOULD use the location provided in the response as the permanent refere…
	"7644 §3.12 #5": {Hash: "5d722338", Reason: waiveClient},
	// 500 (Internal Server Error): Implementers SHOULD provide descriptive debugging advice.
	"7644 §3.12 #6": {Hash: "8fd755d3", Reason: "a 500 cannot be provoked on purpose from outside; SCIM-ERR-004 asks for 501 where a 500 would be wrong"},
	// sensitive: For example, personal information SHALL NOT be transmitted over request URIs.
	"7644 §3.12 #7": {Hash: "b4f3b745", Reason: waiveClient},

	// RFC 7644 §3.13
	// If specified, the version identifier MUST appear in the URL path immediately preceding the resource endpoint…
	"7644 §3.13 #1": {Hash: "97ad1e88", Reason: "the form of the URL the client (or the configured base URL) chooses, not a server behaviour"},
	// When specified, service providers MUST perform the operation using the desired version or reject the request.
	"7644 §3.13 #2": {Hash: "64e1c5ed", Checks: []string{"SCIM-HTTP-005"}},
	// When omitted, service providers SHOULD perform the operation using the most recent SCIM protocol version supp…
	"7644 §3.13 #3": {Hash: "5ada7e82", Reason: "only one SCIM protocol version (2.0) exists, so \"the most recent\" cannot be told apart from any other"},

	// RFC 7644 §3.14
	// When supported, SCIM ETags MUST be specified as an HTTP header and SHOULD be specified within the 'version' a…
	"7644 §3.14 #1": {Hash: "13c09f3c", Checks: []string{"SCIM-ETAG-001", "SCIM-ETAG-002"}},

	// RFC 7644 §4
	// /ServiceProviderConfig: This endpoint SHALL return responses with a JSON object using a "schemas" attribute o…
	"7644 §4 #1": {Hash: "73fda910", Checks: []string{"SCIM-DISC-001"}},
	// /Schemas: An HTTP GET to the endpoint "/Schemas" SHALL return all supported schemas in ListResponse format (s…
	"7644 §4 #2": {Hash: "87783228", Checks: []string{"SCIM-DISC-008"}},
	// When returning multiple ResourceTypes or Schemas, the message form described by the "urn:ietf:params:scim:api…
	"7644 §4 #3": {Hash: "941e5440", Checks: []string{"SCIM-DISC-005", "SCIM-DISC-008"}},
	// Query parameters described in Section 3.4.2, such as filtering, sorting, and pagination, SHALL be ignored.
	"7644 §4 #4": {Hash: "9fd8254f", Checks: []string{"SCIM-DISC-012"}},
	// If a "filter" is provided, the service provider SHOULD respond with HTTP status code 403 (Forbidden) to ensur…
	"7644 §4 #5": {Hash: "16d8fb65", Checks: []string{"SCIM-DISC-012"}},

	// RFC 7644 §5
	// Before comparing or evaluating the uniqueness of a "userName" or "password" attribute, service providers MUST…
	"7644 §5 #1": {Hash: "1bfe504b", Checks: []string{"SCIM-USERS-030"}},

	// RFC 7644 §7.1
	// As stated in Section 2.7.1 of [RFC7230], a SCIM client MUST NOT generate the "userinfo" (i.e., username and p…
	"7644 §7.1 #1": {Hash: "656c7787", Reason: waiveClient},

	// RFC 7644 §7.2
	// Therefore, SCIM clients and service providers MUST require the use of a transport-layer security mechanism wh…
	"7644 §7.2 #1": {Hash: "f534a965", Reason: waiveTLS},
	// The SCIM service provider MUST support TLS 1.2 [RFC5246] and MAY support additional transport-layer mechanism…
	"7644 §7.2 #2": {Hash: "84c182b4", Reason: waiveTLS},
	// When using TLS, the client MUST perform a TLS/SSL server identity check, per [RFC6125].
	"7644 §7.2 #3": {Hash: "007b2e21", Reason: waiveClient},

	// RFC 7644 §7.3
	// When using authorization tokens such as those issued by OAuth 2.0 [RFC6749], implementers MUST take into acco…
	"7644 §7.3 #1": {Hash: "ee2c0629", Reason: waivePolicy},

	// RFC 7644 §7.4
	// Since the possession of a bearer token or cookie MAY authorize the holder to potentially read, modify, or del…
	"7644 §7.4 #1": {Hash: "095185fe", Reason: waivePolicy},
	// As with all SCIM communications, bearer tokens and HTTP cookies MUST be exchanged using TLS.
	"7644 §7.4 #2": {Hash: "d72cf460", Reason: waiveTLS},
	// Bearer tokens MUST have a limited lifetime that can be determined directly or indirectly (e.g., by checking w…
	"7644 §7.4 #3": {Hash: "ac902e6c", Reason: waivePolicy},
	// As with bearer tokens, an HTTP cookie SHOULD last no longer than the lifetime of a browser session.
	"7644 §7.4 #4": {Hash: "107b0c19", Reason: waivePolicy},

	// RFC 7644 §7.5.1
	// The privacy considerations in the Security Considerations section of [RFC7643] MUST be considered.
	"7644 §7.5.1 #1": {Hash: "9eec54fe", Reason: "a design consideration for implementers, not a behaviour to observe"},

	// RFC 7644 §7.5.2
	// As mentioned in Section 9.4 of [RFC7231], SCIM clients requesting information using query filters that use HT…
	"7644 §7.5.2 #1": {Hash: "718a3535", Reason: waiveClient},
	// In these situations, to ensure maximum security and confidentiality, clients SHOULD query using HTTP POST (se…
	"7644 §7.5.2 #2": {Hash: "727892c5", Reason: waiveClient},
	// Servers that receive HTTP GET requests using filters that contain sensitive or confidential personal informat…
	"7644 §7.5.2 #3": {Hash: "986da0df", Reason: "what counts as sensitive personal information is the server's own policy; a check cannot know which filter should be refused"},

	// RFC 7644 §7.7
	// Administrators should undertake industry best practices to protect the storage of credentials and, in particu…
	"7644 §7.7 #1": {Hash: "b26e265f", Reason: "operational guidance for administrators, not a protocol behaviour"},
	// As outlined in Section 5.1.4.2 of [RFC6819], administrators SHOULD take countermeasures such as the following…
	"7644 §7.7 #2": {Hash: "453cb4e4", Reason: "operational guidance for administrators, not a protocol behaviour"},
	// Service providers SHOULD define an access control model that differentiates between individual client applica…
	"7644 §7.7 #3": {Hash: "a2600c78", Reason: waivePolicy},

	// RFC 7644 §7.8
	// When comparing Unicode strings such as those in query filters or testing for uniqueness of usernames and pass…
	"7644 §7.8 #1": {Hash: "755fb262", Checks: []string{"SCIM-USERS-030"}},

	// RFC 7644 §8.1
	// Applications intending to use the SCIM protocol SHOULD use the "application/scim+json" media type.
	"7644 §8.1 #1": {Hash: "5e0f6e7e", Checks: []string{"SCIM-HTTP-001", "SCIM-HTTP-002"}},
}
