package feeds

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"
)

// readVMSJSON reads VMS positions as JSON: one array of objects, or NDJSON
// (objects one after the other). Keys take the same aliases as CSV
// columns; values are strings or numbers.
func readVMSJSON(br *bufio.Reader, loc *time.Location, emit func(Position, error) error) error {
	dec := json.NewDecoder(br)
	dec.UseNumber()
	array := false
	if b, err := br.Peek(1); err == nil && b[0] == '[' {
		if _, err := dec.Token(); err != nil {
			return fmt.Errorf("feeds: vms: %w", err)
		}
		array = true
	}
	for n := 1; ; n++ {
		if array && !dec.More() {
			return nil
		}
		var obj map[string]any
		err := dec.Decode(&obj)
		if err == io.EOF && !array {
			return nil
		}
		var se *json.SyntaxError
		if errors.As(err, &se) || errors.Is(err, io.ErrUnexpectedEOF) {
			// The rest of the stream cannot be trusted to line up again.
			return fmt.Errorf("feeds: vms: record %d: %w", n, err)
		}
		var p Position
		if err == nil {
			p, err = vmsObject(obj, loc)
		}
		if err != nil {
			err = fmt.Errorf("feeds: vms: record %d: %w", n, err)
		}
		if err := emit(p, err); err != nil {
			return err
		}
	}
}

// vmsObject turns one JSON object into a Position.
func vmsObject(obj map[string]any, loc *time.Location) (Position, error) {
	var vals [vmsFields]string
	var seen [vmsFields]bool
	for k, v := range obj {
		f, ok := vmsColumn(k)
		if !ok || seen[f] {
			continue
		}
		seen[f] = true
		switch x := v.(type) {
		case string:
			vals[f] = x
		case json.Number:
			vals[f] = x.String()
		case nil:
		case bool:
			vals[f] = strconv.FormatBool(x)
		default:
			return Position{}, fmt.Errorf("%s is not a string or a number", vmsFieldNames[f])
		}
	}
	for f := vmsReg; f <= vmsLat; f++ {
		if !seen[f] {
			return Position{}, fmt.Errorf("no %s", vmsFieldNames[f])
		}
	}
	return vmsRow(&vals, loc)
}
