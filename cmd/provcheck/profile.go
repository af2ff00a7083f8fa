package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// applyProfile reads a YAML profile whose keys are the long flag names
// ("scim-url: https://…", "header: [\"X-Tenant: a\"]") and sets every flag
// the command line did not set. ${NAME} in values is replaced by the
// environment variable NAME; an unset variable is an error, so a secret is
// never silently empty.
func applyProfile(fs *flag.FlagSet, path string, setOnCLI map[string]bool) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("profile %s: %w", path, errors.Unwrap(err))
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		return fmt.Errorf("profile %s: not valid YAML: %s", path, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(doc.Content) == 0 {
		return nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return fmt.Errorf("profile %s: line %d: expected a mapping of flag names to values", path, root.Line)
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		name := k.Value
		if name == "profile" || fs.Lookup(name) == nil {
			return fmt.Errorf("profile %s: line %d: unknown key %q (keys are the flag names: %s)", path, k.Line, name, strings.Join(flagNames(fs), ", "))
		}
		if setOnCLI[name] {
			continue
		}
		var values []string
		switch v.Kind {
		case yaml.ScalarNode:
			values = []string{v.Value}
		case yaml.SequenceNode:
			for _, item := range v.Content {
				if item.Kind != yaml.ScalarNode {
					return fmt.Errorf("profile %s: line %d: %q takes a list of plain values", path, item.Line, name)
				}
				values = append(values, item.Value)
			}
		case yaml.MappingNode:
			// header: {X-Tenant: acme} is the same as header: ["X-Tenant: acme"].
			for j := 0; j+1 < len(v.Content); j += 2 {
				values = append(values, v.Content[j].Value+": "+v.Content[j+1].Value)
			}
		default:
			return fmt.Errorf("profile %s: line %d: %q has an unsupported value", path, v.Line, name)
		}
		for _, val := range values {
			expanded, err := expandEnv(val)
			if err != nil {
				return fmt.Errorf("profile %s: line %d: %s: %w", path, v.Line, name, err)
			}
			if err := fs.Set(name, expanded); err != nil {
				return fmt.Errorf("profile %s: line %d: %s: %w", path, v.Line, name, err)
			}
		}
	}
	return nil
}

// expandEnv replaces ${NAME} (and $NAME) by the environment variable.
func expandEnv(s string) (string, error) {
	var missing []string
	out := os.Expand(s, func(name string) string {
		v, ok := os.LookupEnv(name)
		if !ok {
			missing = append(missing, name)
		}
		return v
	})
	if len(missing) > 0 {
		return "", fmt.Errorf("environment variable %s is not set", strings.Join(missing, ", "))
	}
	return out, nil
}

func flagNames(fs *flag.FlagSet) []string {
	var names []string
	fs.VisitAll(func(f *flag.Flag) {
		if f.Name != "profile" {
			names = append(names, f.Name)
		}
	})
	sort.Strings(names)
	return names
}
