package ingest

import (
	"strings"

	"golang.org/x/text/encoding/charmap"
)

// VNI-Windows (VNI-Times and the other VNI fonts, VNI Software, 1990s)
// writes a Vietnamese letter as its base letter followed by one byte of
// cp1252 that the font draws as the diacritics: "Phuù Hoøa Ñoâng" is "Phú
// Hòa Đông". The table is the layout of the VNI fonts as VNI's own
// keyboard tables and the converters of UniKey and VietKey give it: a
// second byte is a tone (acute, grave, hook, tilde, dot), a circumflex or a
// breve alone or with a tone; ơ, ư, đ and the i and ỵ letters are single
// bytes. Lower-case marks follow lower-case letters and capitals capitals.
const (
	cAcute, cGrave, cHook, cTilde, cDot = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
	cCirc, cBreve, cHorn                = "\u0302", "\u0306", "\u031B"
)

// vniMarks are the second bytes: the combining marks they add.
var vniMarks = map[byte]string{
	0xF9: cAcute, 0xF8: cGrave, 0xFB: cHook, 0xF5: cTilde, 0xEF: cDot,
	0xD9: cAcute, 0xD8: cGrave, 0xDB: cHook, 0xD5: cTilde, 0xCF: cDot,
	0xE2: cCirc, 0xE1: cCirc + cAcute, 0xE0: cCirc + cGrave, 0xE5: cCirc + cHook, 0xE3: cCirc + cTilde, 0xE4: cCirc + cDot,
	0xC2: cCirc, 0xC1: cCirc + cAcute, 0xC0: cCirc + cGrave, 0xC5: cCirc + cHook, 0xC3: cCirc + cTilde, 0xC4: cCirc + cDot,
	0xEA: cBreve, 0xE9: cBreve + cAcute, 0xE8: cBreve + cGrave, 0xFA: cBreve + cHook, 0xFC: cBreve + cTilde, 0xEB: cBreve + cDot,
	0xCA: cBreve, 0xC9: cBreve + cAcute, 0xC8: cBreve + cGrave, 0xDA: cBreve + cHook, 0xDC: cBreve + cTilde, 0xCB: cBreve + cDot,
}

// vniLetters are the single-byte letters; ô and ö (ơ, ư) also take a mark.
var vniLetters = map[byte]string{
	0xF4: "o" + cHorn, 0xD4: "O" + cHorn, 0xF6: "u" + cHorn, 0xD6: "U" + cHorn,
	0xF1: "đ", 0xD1: "Đ",
	0xED: "í", 0xCD: "Í", 0xEC: "ì", 0xCC: "Ì", 0xE6: "ỉ", 0xC6: "Ỉ", 0xF3: "ĩ", 0xD3: "Ĩ", 0xF2: "ị", 0xD2: "Ị",
	0xEE: "ỵ", 0xCE: "Ỵ",
}

// takesMark reports whether a mark byte may follow letter (the base letter,
// or a horned ơ/ư): tones after any vowel, circumflex after a e o, breve
// after a.
func takesMark(base byte, mark string) bool {
	switch {
	case strings.HasPrefix(mark, cCirc):
		return strings.IndexByte("aeoAEO", base) >= 0
	case strings.HasPrefix(mark, cBreve):
		return base == 'a' || base == 'A'
	}
	return strings.IndexByte("aeiouyAEIOUY", base) >= 0 || base == 0xF4 || base == 0xD4 || base == 0xF6 || base == 0xD6
}

var cp1252 = charmap.Windows1252

func decodeVNI(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/2)
	for i := 0; i < len(b); i++ {
		c := b[i]
		if i+1 < len(b) {
			if mark, ok := vniMarks[b[i+1]]; ok && takesMark(c, mark) {
				if l, ok := vniLetters[c]; ok {
					sb.WriteString(l)
				} else {
					sb.WriteByte(c)
				}
				sb.WriteString(mark)
				i++
				continue
			}
		}
		switch l, ok := vniLetters[c]; {
		case ok:
			sb.WriteString(l)
		case c < 0x80:
			sb.WriteByte(c)
		default:
			sb.WriteRune(cp1252.DecodeByte(c))
		}
	}
	return nfc(sb.String())
}
