package saml

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseSPMetadata(t *testing.T) {
	md := `<?xml version="1.0"?>
<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://app.test/saml">
  <SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact" Location="https://app.test/art" index="0"/>
    <AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://app.test/acs2" index="2"/>
    <AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://app.test/acs1" index="1"/>
  </SPSSODescriptor>
</EntityDescriptor>`
	id, acs, err := ParseSPMetadata([]byte(md))
	require.NoError(t, err)
	assert.Equal(t, "https://app.test/saml", id)
	assert.Equal(t, "https://app.test/acs1", acs, "the lowest index")

	def := `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="e"><md:SPSSODescriptor>
<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://a/1" index="1"/>
<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://a/9" index="9" isDefault="true"/>
</md:SPSSODescriptor></md:EntityDescriptor>`
	_, acs, err = ParseSPMetadata([]byte(def))
	require.NoError(t, err)
	assert.Equal(t, "https://a/9", acs, "isDefault wins")

	for name, bad := range map[string]string{
		"not XML":     "{}",
		"other root":  `<x xmlns="urn:oasis:names:tc:SAML:2.0:metadata"/>`,
		"no entityID": `<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata"/>`,
		"no POST ACS": `<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="e"><SPSSODescriptor/></EntityDescriptor>`,
	} {
		_, _, err := ParseSPMetadata([]byte(bad))
		assert.Error(t, err, name)
	}
}
