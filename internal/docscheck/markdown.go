package docscheck

import (
	"regexp"
	"strings"
)

// Doc is what a Markdown file (or a tfplugindocs template) says in code:
// everything a reader copies into a shell or a configuration.
type Doc struct {
	Path          string // slash-separated, relative to the repository root
	Spans         []Text // inline code spans, with the line they start on
	Fences        []Fence
	Links         []Text // link targets: [text](target) and [label]: target
	TemplateFiles []Text // files a template includes: {{ tffile "…" }}, {{ codefile "lang" "…" }}
}

// Text is a piece of a document and the 1-based line it starts on.
type Text struct {
	Line int
	Text string
}

// Fence is a fenced code block.
type Fence struct {
	Lang  string
	Line  int // line of the first content line
	Lines []string
}

var (
	fenceOpen      = regexp.MustCompile("^ {0,3}(`{3,}|~{3,})\\s*([^\\s`{]*)")
	templateAction = regexp.MustCompile(`\{\{-?[\s\S]*?-?\}\}`)
	templateFile   = regexp.MustCompile(`^\{\{-?\s*(?:tffile|codefile\s+"[^"]*")\s+"([^"]+)"`)
	inlineLink     = regexp.MustCompile(`\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)`)
	linkDefinition = regexp.MustCompile(`(?m)^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)`)
)

// ParseMarkdown splits a Markdown document into code spans, fenced blocks,
// links and template file references. Prose outside them is dropped.
func ParseMarkdown(path, content string) Doc {
	doc := Doc{Path: path}
	lines := strings.Split(strings.ReplaceAll(content, "\r\n", "\n"), "\n")
	var para []string
	paraStart := 0
	flush := func() {
		if len(para) > 0 {
			doc.parseParagraph(paraStart, strings.Join(para, "\n"))
		}
		para = nil
	}
	for i := 0; i < len(lines); i++ {
		if m := fenceOpen.FindStringSubmatch(lines[i]); m != nil {
			flush()
			marker := m[1]
			f := Fence{Lang: strings.ToLower(m[2]), Line: i + 2}
			for i++; i < len(lines); i++ {
				t := strings.TrimSpace(lines[i])
				if strings.HasPrefix(t, marker[:1]) && strings.Trim(t, marker[:1]) == "" && len(t) >= len(marker) {
					break
				}
				f.Lines = append(f.Lines, lines[i])
			}
			doc.Fences = append(doc.Fences, f)
			continue
		}
		if strings.TrimSpace(lines[i]) == "" {
			flush()
			continue
		}
		if len(para) == 0 {
			paraStart = i + 1
		}
		para = append(para, lines[i])
	}
	flush()
	return doc
}

// parseParagraph finds the code spans, links and template references of
// one paragraph; a code span may continue over a line break.
func (d *Doc) parseParagraph(firstLine int, text string) {
	lineAt := func(offset int) int { return firstLine + strings.Count(text[:offset], "\n") }
	prose := []byte(text)
	blank := func(from, to int) {
		for k := from; k < to; k++ {
			if prose[k] != '\n' {
				prose[k] = ' '
			}
		}
	}
	for _, loc := range templateAction.FindAllStringIndex(text, -1) {
		if m := templateFile.FindStringSubmatch(text[loc[0]:loc[1]]); m != nil {
			d.TemplateFiles = append(d.TemplateFiles, Text{Line: lineAt(loc[0]), Text: m[1]})
		}
		blank(loc[0], loc[1])
	}
	src := string(prose) // template actions removed: they are neither code nor prose
	for p := 0; p < len(src); {
		if src[p] != '`' || (p > 0 && src[p-1] == '\\') {
			p++
			continue
		}
		n := runLength(src, p)
		end := closingRun(src, p+n, n)
		if end < 0 {
			p += n // a backtick run without its closing run is literal text
			continue
		}
		span := strings.ReplaceAll(src[p+n:end], "\n", " ")
		if len(span) >= 2 && span[0] == ' ' && span[len(span)-1] == ' ' && strings.TrimSpace(span) != "" {
			span = span[1 : len(span)-1]
		}
		d.Spans = append(d.Spans, Text{Line: lineAt(p), Text: span})
		blank(p, end+n)
		p = end + n
	}
	rest := string(prose)
	for _, m := range inlineLink.FindAllStringSubmatchIndex(rest, -1) {
		d.Links = append(d.Links, Text{Line: lineAt(m[2]), Text: rest[m[2]:m[3]]})
	}
	for _, m := range linkDefinition.FindAllStringSubmatchIndex(rest, -1) {
		d.Links = append(d.Links, Text{Line: lineAt(m[2]), Text: rest[m[2]:m[3]]})
	}
}

func runLength(s string, p int) int {
	n := 0
	for p+n < len(s) && s[p+n] == '`' {
		n++
	}
	return n
}

// closingRun returns where the next run of exactly n backticks at or after
// from starts, or -1.
func closingRun(s string, from, n int) int {
	for q := from; q < len(s); {
		if s[q] != '`' {
			q++
			continue
		}
		m := runLength(s, q)
		if m == n {
			return q
		}
		q += m
	}
	return -1
}
