package config

import (
	"fmt"
	"regexp"
	"strconv"

	"gopkg.in/yaml.v3"
)

// yamlLine matches the "line N: " with which yaml.v3 starts each message.
var yamlLine = regexp.MustCompile(`line (\d+): `)

// nameKeys rewrites each "line N: " in msg, a YAML decoding error, to name
// the key on that line ("feeds[0].poll_interval (line N): "): yaml.v3 and
// Duration.UnmarshalYAML know the line, not the key.
func nameKeys(raw []byte, msg string) string {
	var root yaml.Node
	if yaml.Unmarshal(raw, &root) != nil {
		return msg
	}
	return yamlLine.ReplaceAllStringFunc(msg, func(m string) string {
		line, _ := strconv.Atoi(yamlLine.FindStringSubmatch(m)[1])
		if key := keyOnLine(&root, line, ""); key != "" {
			return fmt.Sprintf("%s (line %d): ", key, line)
		}
		return m
	})
}

// keyOnLine returns the path ("feeds[1].url") of the first mapping key under
// n that is written on line, "" if there is none.
func keyOnLine(n *yaml.Node, line int, path string) string {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			if key := keyOnLine(c, line, path); key != "" {
				return key
			}
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := k.Value
			if path != "" {
				p = path + "." + k.Value
			}
			if k.Line == line {
				return p
			}
			if key := keyOnLine(v, line, p); key != "" {
				return key
			}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			if key := keyOnLine(c, line, fmt.Sprintf("%s[%d]", path, i)); key != "" {
				return key
			}
		}
	}
	return ""
}
