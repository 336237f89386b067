package layers

import (
	"fmt"
	"time"
)

// FieldType is the type of a layer field's values.
type FieldType string

// Field types. Values in memory are string, int64, float64, bool and
// time.Time respectively; nil means absent.
const (
	TypeString FieldType = "string"
	TypeInt    FieldType = "int"
	TypeFloat  FieldType = "float"
	TypeBool   FieldType = "bool"
	TypeTime   FieldType = "time"
)

// Field is one typed attribute of a layer.
type Field struct {
	Name        string      `yaml:"name" json:"name"`
	Type        FieldType   `yaml:"type" json:"type"`
	Sensitivity Sensitivity `yaml:"sensitivity" json:"sensitivity"`
	Required    bool        `yaml:"required,omitempty" json:"required,omitempty"`
	Title       Title       `yaml:"title,omitempty" json:"title,omitempty"`
	// From lists source keys that feed this field when the input names it
	// differently (an OSM tag such as "building:levels" for "levels").
	From []string `yaml:"from,omitempty" json:"-"`
	// Expected marks a field every feature should carry but that ingest
	// lets be missing (unlike Required): each feature lacking it counts
	// against the layer's completeness (package quality).
	Expected bool `yaml:"expected,omitempty" json:"expected,omitempty"`
}

func (f *Field) validate() error {
	if f.Name == "" {
		return fmt.Errorf("field with no name")
	}
	switch f.Type {
	case TypeString, TypeInt, TypeFloat, TypeBool, TypeTime:
	default:
		return fmt.Errorf("field %q: unknown type %q", f.Name, f.Type)
	}
	if f.Required && f.Expected {
		return fmt.Errorf("field %q: required and expected: a required field is never missing, expected is for one that may be", f.Name)
	}
	if f.Sensitivity == "" {
		f.Sensitivity = Public
	}
	if !f.Sensitivity.valid() {
		return fmt.Errorf("field %q: unknown sensitivity %q", f.Name, f.Sensitivity)
	}
	return nil
}

// ZeroOf reports whether v is a valid in-memory value for the field type.
func (t FieldType) Accepts(v any) bool {
	switch v.(type) {
	case nil:
		return true
	case string:
		return t == TypeString
	case int64:
		return t == TypeInt
	case float64:
		return t == TypeFloat
	case bool:
		return t == TypeBool
	case time.Time:
		return t == TypeTime
	}
	return false
}
