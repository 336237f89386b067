package ingest

import (
	"archive/zip"
	"path"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Text encodings of DBF attribute text.
const (
	EncUTF8   = "utf-8"
	EncCP1258 = "cp1258" // Windows Vietnamese (combining tone marks)
	EncCP1252 = "cp1252" // Windows Latin 1, what ArcGIS writes as "ANSI"
	EncTCVN3  = "tcvn3"  // TCVN 5712:1993 VN3, the ABC fonts (.VnTime)
	EncVNI    = "vni"    // VNI-Windows (VNI-Times), base letter + mark bytes
)

// ParseEncoding reads an --encoding value or a .cpg text: utf-8 (65001),
// cp1258 (1258), cp1252 (1252, ANSI), tcvn3 (abc), vni. It returns "" for
// a name it does not know.
func ParseEncoding(s string) string {
	k := strings.ToLower(strings.TrimSpace(s))
	k = strings.NewReplacer("-", "", "_", "", " ", "").Replace(k)
	switch k {
	case "utf8", "65001", "unicode":
		return EncUTF8
	case "cp1258", "1258", "windows1258", "ansi1258":
		return EncCP1258
	case "cp1252", "1252", "windows1252", "ansi1252", "ansi", "latin1", "iso88591", "88591":
		return EncCP1252
	case "tcvn3", "tcvn", "abc", "tcvn5712", "tcvn57121", "tcvn57121:1993", "vn3", "vntime":
		return EncTCVN3
	case "vni", "vniwindows", "vniwin", "vnitimes":
		return EncVNI
	}
	return ""
}

// decoderFor returns the decoder of an encoding.
func decoderFor(enc string) func([]byte) string {
	switch enc {
	case EncCP1258:
		d := charmap.Windows1258.NewDecoder()
		return func(b []byte) string { s, _ := d.Bytes(b); return nfc(string(s)) }
	case EncCP1252:
		d := charmap.Windows1252.NewDecoder()
		return func(b []byte) string { s, _ := d.Bytes(b); return nfc(string(s)) }
	case EncTCVN3:
		return decodeTCVN3
	case EncVNI:
		return decodeVNI
	}
	return func(b []byte) string { return string(b) } // UTF-8: invalid text is refused per value
}

// dbfEncoding picks the DBF's encoding: Options.Encoding, else the .cpg,
// else detected from the first records' text. It records the choice.
func dbfEncoding(c *collector, f *zip.File, d *dbfReader, cpg string) (func([]byte) string, bool) {
	how := ""
	enc := ""
	switch {
	case c.opt.Encoding != "":
		if enc = ParseEncoding(c.opt.Encoding); enc == "" {
			c.fatalIn(f.Name, 0, RuleEncoding, "unknown encoding "+quoteExcerpt(c.opt.Encoding)+": want utf-8, cp1258, cp1252, tcvn3 or vni")
			return nil, false
		}
		how = "as asked"
	case strings.TrimSpace(cpg) != "":
		if enc = ParseEncoding(cpg); enc == "" {
			c.fatalIn(strings.TrimSuffix(f.Name, ".dbf")+".cpg", 0, RuleEncoding, "unknown code page "+quoteExcerpt(strings.TrimSpace(cpg))+": name it with --encoding")
			return nil, false
		}
		how = "from the .cpg"
	default:
		sample, _ := sampleDBF(f, d)
		enc, how = detectEncoding(sample), "detected"
	}
	e := path.Base(f.Name) + ": " + enc + " (" + how + ")"
	if c.encoding != "" {
		e = c.encoding + "; " + e
	}
	c.encoding = e
	if enc == EncTCVN3 || enc == EncVNI {
		c.note("DBF text converted from " + strings.ToUpper(enc) + " to Unicode (NFC)")
	}
	return decoderFor(enc), true
}

// sampleDBF reads the text of up to 64 KiB of records from a second
// reader of the member, for detection.
func sampleDBF(f *zip.File, d *dbfReader) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b := make([]byte, 64<<10)
	n, _ := rc.Read(b)
	for n < len(b) {
		k, err := rc.Read(b[n:])
		n += k
		if err != nil {
			break
		}
	}
	b = b[:n]
	var out []byte
	hl := 32 + 32*len(d.fields) + 1
	for off := hl; off+d.recLen <= len(b); off += d.recLen {
		for _, fd := range d.fields {
			if fd.typ == 'C' {
				out = append(out, b[off+fd.off:off+fd.off+fd.len]...)
				out = append(out, ' ')
			}
		}
	}
	for _, n := range d.rawName {
		out = append(out, n...)
	}
	return out, nil
}

// detectEncoding guesses the encoding of DBF text: ASCII or valid UTF-8
// is UTF-8. VNI writes the diacritics as a byte after the base vowel, so
// text where most high bytes follow a vowel they can mark is VNI; TCVN3
// and cp1258 put the letter itself in the high byte, and the one whose
// decoding looks most Vietnamese (vnScore) wins.
func detectEncoding(b []byte) string {
	if utf8.Valid(b) {
		return EncUTF8
	}
	high, vni := 0, 0
	for i, c := range b {
		if c < 0x80 {
			continue
		}
		high++
		if mark, ok := vniMarks[c]; ok && i > 0 && takesMark(b[i-1], mark) {
			vni++
		} else if c == 0xF1 || c == 0xD1 { // đ, Đ
			vni++
		}
	}
	if 2*vni >= high {
		return EncVNI
	}
	if vnScore(decoderFor(EncTCVN3)(b)) >= vnScore(decoderFor(EncCP1258)(b)) {
		return EncTCVN3
	}
	return EncCP1258
}
