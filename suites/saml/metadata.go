package saml

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/beevik/etree"
)

const (
	nsMetadata   = "urn:oasis:names:tc:SAML:2.0:metadata"
	bindingPOST  = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
	maxMetadata  = 1 << 20
	noIndexOrder = 1 << 30
)

// ParseSPMetadata reads an SP's SAML 2.0 metadata (SAML Metadata §2.4.4)
// and returns its entity ID and the assertion consumer service of the
// HTTP-POST binding: the one marked isDefault, else the lowest index, else
// the first.
func ParseSPMetadata(b []byte) (entityID, acsURL string, err error) {
	if len(b) > maxMetadata {
		return "", "", fmt.Errorf("SP metadata: larger than %d bytes", maxMetadata)
	}
	doc := etree.NewDocument()
	doc.ReadSettings.Permissive = false
	if err := doc.ReadFromBytes(b); err != nil {
		return "", "", fmt.Errorf("SP metadata: not XML: %w", err)
	}
	root := doc.Root()
	if root == nil || root.Tag != "EntityDescriptor" || root.NamespaceURI() != nsMetadata {
		return "", "", errors.New("SP metadata: the root element is not an md:EntityDescriptor")
	}
	entityID = root.SelectAttrValue("entityID", "")
	if entityID == "" {
		return "", "", errors.New("SP metadata: the EntityDescriptor has no entityID")
	}
	best, bestRank := "", noIndexOrder+1
	for _, sp := range root.ChildElements() {
		if sp.Tag != "SPSSODescriptor" || sp.NamespaceURI() != nsMetadata {
			continue
		}
		for _, acs := range sp.ChildElements() {
			if acs.Tag != "AssertionConsumerService" || acs.NamespaceURI() != nsMetadata ||
				acs.SelectAttrValue("Binding", "") != bindingPOST || acs.SelectAttrValue("Location", "") == "" {
				continue
			}
			rank := noIndexOrder
			if i, err := strconv.Atoi(acs.SelectAttrValue("index", "")); err == nil && i >= 0 {
				rank = i
			}
			if d := acs.SelectAttrValue("isDefault", ""); d == "true" || d == "1" {
				rank = -1
			}
			if rank < bestRank {
				best, bestRank = acs.SelectAttrValue("Location", ""), rank
			}
		}
	}
	if best == "" {
		return "", "", errors.New("SP metadata: no AssertionConsumerService with the HTTP-POST binding")
	}
	return entityID, best, nil
}
