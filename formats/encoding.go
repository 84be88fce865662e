package formats

import (
	"bytes"
	"fmt"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// Encoding names a text encoding as detected or as requested for writing.
type Encoding string

const (
	UTF8     Encoding = "UTF-8"
	UTF8BOM  Encoding = "UTF-8 BOM"
	UTF16LE  Encoding = "UTF-16LE"
	UTF16BE  Encoding = "UTF-16BE"
	GBK      Encoding = "GBK"
	GB18030  Encoding = "GB18030"
	encEmpty Encoding = ""
)

// decodeText sniffs the encoding the way surveyors' tools write files: a BOM
// (UTF-8, UTF-16LE, UTF-16BE) wins; zero bytes mean UTF-16 without a BOM;
// else the bytes are UTF-8 if they are valid UTF-8 (GBK text of any length
// is almost never valid UTF-8); else GB18030, the superset of GBK that
// Windows tools write. Invalid GB18030 sequences are refused with the line
// they are on rather than turned into U+FFFD silently.
func decodeText(b []byte) (string, Encoding, *lineError) {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		b = b[3:]
		if !utf8.Valid(b) {
			return "", UTF8BOM, badBytes(b, "UTF-8")
		}
		return string(b), UTF8BOM, nil
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}), bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		enc, order := UTF16LE, unicode.LittleEndian
		if b[0] == 0xFE {
			enc, order = UTF16BE, unicode.BigEndian
		}
		if len(b)%2 != 0 {
			return "", enc, &lineError{0, fmt.Sprintf("the file starts with a %s byte-order mark but has an odd number of bytes: it is truncated or not %s", enc, enc),
				fmt.Sprintf("文件以 %s 字节顺序标记开头，但字节数为奇数：文件被截断或并非 %s 编码", enc, enc)}
		}
		if le := badSurrogate(b[2:], enc); le != nil {
			return "", enc, le
		}
		out, err := unicode.UTF16(order, unicode.UseBOM).NewDecoder().Bytes(b)
		if err != nil {
			return "", enc, &lineError{0, fmt.Sprintf("the file is not valid %s: %v", enc, err), fmt.Sprintf("文件不是有效的 %s 编码：%v", enc, err)}
		}
		return string(out), enc, nil
	case len(b)%2 == 0 && utf16Zeros(b):
		// UTF-16 without a BOM (some Windows tools): every ASCII character
		// has a zero byte beside it, which no UTF-8 or GBK text has at all.
		order, enc := unicode.LittleEndian, UTF16LE
		if bigEndianZeros(b) {
			order, enc = unicode.BigEndian, UTF16BE
		}
		if le := badSurrogate(b, enc); le != nil {
			return "", enc, le
		}
		out, err := unicode.UTF16(order, unicode.IgnoreBOM).NewDecoder().Bytes(b)
		if err != nil {
			return "", enc, &lineError{0, fmt.Sprintf("the file is not valid %s: %v", enc, err), fmt.Sprintf("文件不是有效的 %s 编码：%v", enc, err)}
		}
		return string(out), enc, nil
	}
	// Some tools pad a file with NUL bytes: not text.
	b = bytes.TrimRight(b, "\x00")
	if utf8.Valid(b) {
		return string(b), UTF8, nil
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
	if err != nil || bytes.ContainsRune(out, utf8.RuneError) {
		return "", GB18030, badBytes(b, "GB18030")
	}
	return string(out), GB18030, nil
}

// badSurrogate finds the first unpaired surrogate in UTF-16 text (without
// its BOM): the decoder would turn it into U+FFFD silently.
func badSurrogate(b []byte, enc Encoding) *lineError {
	unit := func(i int) uint16 {
		if enc == UTF16BE {
			return uint16(b[i])<<8 | uint16(b[i+1])
		}
		return uint16(b[i]) | uint16(b[i+1])<<8
	}
	line := 1
	for i := 0; i+1 < len(b); i += 2 {
		u := unit(i)
		switch {
		case u == '\n':
			line++
			continue
		case u >= 0xD800 && u < 0xDC00: // high surrogate: a low one must follow
			if i+3 < len(b) {
				if v := unit(i + 2); v >= 0xDC00 && v < 0xE000 {
					i += 2
					continue
				}
			}
		case u >= 0xDC00 && u < 0xE000: // low surrogate without a high one
		default:
			continue
		}
		return &lineError{line,
			fmt.Sprintf("line %d is not valid %s: it holds an unpaired surrogate (code unit 0x%04X), half of a character; the file is damaged or was cut: save it again as UTF-16, UTF-8 or GBK", line, enc, u),
			fmt.Sprintf("第 %d 行不是有效的 %s 编码：含有不成对的代理项（编码单元 0x%04X，即半个字符）；文件已损坏或被截断：请重新保存为 UTF-16、UTF-8 或 GBK 编码", line, enc, u)}
	}
	return nil
}

// lineError is a file-level problem found before parsing, with its line.
type lineError struct {
	line   int
	en, zh string
}

// badBytes names the first line whose bytes are neither UTF-8 nor GB18030.
func badBytes(b []byte, tried string) *lineError {
	line := 1
	for _, l := range bytes.SplitAfter(b, []byte{'\n'}) {
		if !utf8.Valid(l) {
			if out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(l); err != nil || bytes.ContainsRune(out, utf8.RuneError) {
				break
			}
		}
		line++
	}
	return &lineError{line,
		fmt.Sprintf("line %d is neither UTF-8 nor GBK/GB18030 text (tried %s): save the file as UTF-8 or GBK", line, tried),
		fmt.Sprintf("第 %d 行既不是 UTF-8 也不是 GBK/GB18030 编码（尝试了 %s）：请将文件另存为 UTF-8 或 GBK 编码", line, tried)}
}

// encodeText encodes s for writing.
func encodeText(s string, enc Encoding) ([]byte, error) {
	switch enc {
	case encEmpty, UTF8:
		return []byte(s), nil
	case UTF8BOM:
		return append([]byte{0xEF, 0xBB, 0xBF}, s...), nil
	case GBK, GB18030:
		e := simplifiedchinese.GBK.NewEncoder()
		if enc == GB18030 {
			e = simplifiedchinese.GB18030.NewEncoder()
		}
		out, err := e.Bytes([]byte(s))
		if err != nil {
			// Name the character: GBK lacks rare characters (e.g. 𠮷) that
			// GB18030 and UTF-8 have.
			for _, r := range s {
				if _, err := e.Bytes([]byte(string(r))); err != nil {
					return nil, &unencodable{r: r, enc: enc}
				}
			}
			return nil, fmt.Errorf("text cannot be written in %s: %v", enc, err)
		}
		return out, nil
	}
	return nil, fmt.Errorf("unknown encoding %q: use UTF-8, GBK or GB18030", enc)
}

// unencodable is a character the chosen encoding cannot hold.
type unencodable struct {
	r   rune
	enc Encoding
}

func (u *unencodable) Error() string { return u.en() }

func (u *unencodable) en() string {
	return fmt.Sprintf("character %q (U+%04X) cannot be written in %s: write the file as GB18030 or UTF-8", u.r, u.r, u.enc)
}

func (u *unencodable) zh() string {
	return fmt.Sprintf("字符“%c”（U+%04X）无法用 %s 编码写出：请改用 GB18030 或 UTF-8 编码", u.r, u.r, u.enc)
}

// utf16Zeros: UTF-16 text of this format is mostly ASCII digits and commas,
// so about half its bytes are zero; a stray NUL (padding) in UTF-8 or GBK
// text is not enough.
func utf16Zeros(b []byte) bool {
	n := min(len(b), 8192)
	return bytes.Count(b[:n], []byte{0})*5 >= n
}

// bigEndianZeros: in UTF-16BE text the zero bytes of ASCII characters come
// first in each pair, in UTF-16LE second.
func bigEndianZeros(b []byte) bool {
	var even, odd int
	for i := 0; i+1 < len(b) && i < 8192; i += 2 {
		if b[i] == 0 {
			even++
		}
		if b[i+1] == 0 {
			odd++
		}
	}
	return even > odd
}
