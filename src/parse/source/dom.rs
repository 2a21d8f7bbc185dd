//! HTML → a small document tree for text extraction: html5gum tokenizes (the WHATWG rules,
//! character references), and a tree builder here nests the tokens the way browsers do where it
//! changes the text: the end tags HTML leaves implied (a `<p>` ends at the next block, a cell at
//! the next cell, a row at the next row, an item at the next item, a heading at the next
//! heading), rows and bodies a table's cells need, text and elements strayed between a table's
//! rows put before the table, end tags that do not reach past a cell or a block, `<select>`
//! holding only options, SVG and MathML nesting as written until an HTML block breaks out, and
//! the raw text of `script`, `style`, `title` and the like. Only the attributes extraction reads
//! are kept. Calls html5gum only; never recurses.
//!
//! Why not html5ever (through scraper), which builds the full tree: reading an HTML page took
//! 0.96 ms with it and takes 0.69 ms with this (one core, 2,000 demo pages, best of 7). What it
//! does beyond this (re-opening formatting elements, the adoption agency for misnested `<b>`,
//! quirks mode) leaves the extracted text as it is: the text of all 15,139 HTML pages of the
//! 100k demo corpus is byte-identical, and so is that of 1,094 of 1,095 pages broken on purpose
//! (tags dropped, stray or misnested; the one apart leaves an `<iframe>` open in a `<select>`).

use html5gum::emitters::callback::{Callback, CallbackEmitter, CallbackEvent};
use html5gum::{Emitter, ForwardingEmitter, Span, State, Tokenizer};

/// How deep elements nest: deeper ones are left empty, their content put beside them (as
/// browsers cap nesting at 512 too).
const MAX_OPEN: usize = 512;

/// Attributes kept: chrome detection (`class`, `id`), cell spans, `<meta>` tags.
const KEPT_ATTRIBUTES: [&str; 7] = [
    "class", "id", "colspan", "rowspan", "name", "property", "content",
];

/// Elements without content or end tag.
fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "basefont"
            | "bgsound"
            | "br"
            | "col"
            | "embed"
            | "frame"
            | "hr"
            | "image"
            | "img"
            | "input"
            | "keygen"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
    )
}

/// Elements that belong in `<head>` when they come before the body.
fn is_head_content(name: &str) -> bool {
    matches!(
        name,
        "base"
            | "basefont"
            | "bgsound"
            | "link"
            | "meta"
            | "noscript"
            | "script"
            | "style"
            | "title"
    )
}

/// Start tags that end an open `<p>` (the spec's list, `table` included as in no-quirks mode).
fn closes_p(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "center"
            | "details"
            | "dialog"
            | "dir"
            | "div"
            | "dl"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hgroup"
            | "hr"
            | "li"
            | "dd"
            | "dt"
            | "listing"
            | "main"
            | "menu"
            | "nav"
            | "ol"
            | "p"
            | "pre"
            | "section"
            | "table"
            | "ul"
    )
}

/// The spec's "special" elements: an end tag of another element does not reach past one, and
/// one other than address, div or p ends the search for an open `<li>` / `<dd>` / `<dt>`.
fn is_special(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "applet"
            | "area"
            | "article"
            | "aside"
            | "base"
            | "basefont"
            | "bgsound"
            | "blockquote"
            | "body"
            | "br"
            | "button"
            | "caption"
            | "center"
            | "col"
            | "colgroup"
            | "dd"
            | "details"
            | "dir"
            | "div"
            | "dl"
            | "dt"
            | "embed"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "frame"
            | "frameset"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "head"
            | "header"
            | "hgroup"
            | "hr"
            | "html"
            | "iframe"
            | "img"
            | "input"
            | "keygen"
            | "li"
            | "link"
            | "listing"
            | "main"
            | "marquee"
            | "menu"
            | "meta"
            | "nav"
            | "noembed"
            | "noframes"
            | "noscript"
            | "object"
            | "ol"
            | "p"
            | "param"
            | "plaintext"
            | "pre"
            | "script"
            | "search"
            | "section"
            | "select"
            | "source"
            | "style"
            | "summary"
            | "table"
            | "tbody"
            | "td"
            | "template"
            | "textarea"
            | "tfoot"
            | "th"
            | "thead"
            | "title"
            | "tr"
            | "track"
            | "ul"
    )
}

/// SVG and MathML elements whose content is HTML (names as the tokenizer lowercases them).
fn is_html_inside_foreign(name: &str) -> bool {
    matches!(
        name,
        "foreignobject" | "desc" | "title" | "mi" | "mo" | "mn" | "ms" | "mtext" | "annotation-xml"
    )
}

/// Start tags that end SVG or MathML content left open (`<svg><p>` puts the paragraph after it).
fn breaks_foreign(name: &str) -> bool {
    matches!(
        name,
        "b" | "big"
            | "blockquote"
            | "body"
            | "br"
            | "center"
            | "code"
            | "dd"
            | "div"
            | "dl"
            | "dt"
            | "em"
            | "embed"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "head"
            | "hr"
            | "i"
            | "img"
            | "li"
            | "listing"
            | "menu"
            | "meta"
            | "nobr"
            | "ol"
            | "p"
            | "pre"
            | "ruby"
            | "s"
            | "small"
            | "span"
            | "strong"
            | "strike"
            | "sub"
            | "sup"
            | "table"
            | "tt"
            | "u"
            | "ul"
            | "var"
    )
}

/// Elements that bound an element's scope: an end tag inside a cell does not close what is
/// open outside the table.
fn bounds_scope(name: &str) -> bool {
    matches!(
        name,
        "applet" | "caption" | "html" | "table" | "td" | "th" | "marquee" | "object"
    )
}

fn is_heading(name: &str) -> bool {
    matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
}

/// Elements of a table's structure; anything else directly inside a table goes before it.
fn is_table_part(name: &str) -> bool {
    matches!(
        name,
        "caption" | "colgroup" | "col" | "tbody" | "thead" | "tfoot" | "tr" | "td" | "th"
    )
}

/// Elements whose content is in a table but not in a cell.
fn is_table_context(name: &str) -> bool {
    matches!(name, "table" | "tbody" | "thead" | "tfoot" | "tr")
}

/// A node's index in [`Dom`].
pub type NodeId = usize;

/// One element: its lowercase name and the attributes extraction reads.
#[derive(Debug)]
pub struct Element {
    pub name: String,
    attributes: Vec<(&'static str, String)>,
    /// Inside `<svg>` or `<math>` (the element itself included).
    foreign: bool,
}

impl Element {
    /// The value of a kept attribute (see [`KEPT_ATTRIBUTES`]).
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What a node is.
#[derive(Debug)]
pub enum Node {
    Document,
    Element(Element),
    Text(String),
}

impl Node {
    pub fn as_element(&self) -> Option<&Element> {
        match self {
            Node::Element(e) => Some(e),
            _ => None,
        }
    }

    fn is(&self, name: &str) -> bool {
        self.as_element().is_some_and(|e| e.name == name)
    }
}

#[derive(Debug)]
struct Slot {
    node: Node,
    parent: Option<NodeId>,
    first_child: Option<NodeId>,
    last_child: Option<NodeId>,
    previous_sibling: Option<NodeId>,
    next_sibling: Option<NodeId>,
}

/// Entering or leaving a node in document order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edge {
    Open(NodeId),
    Close(NodeId),
}

/// A parsed page: node 0 is the document.
#[derive(Debug)]
pub struct Dom {
    slots: Vec<Slot>,
}

impl Dom {
    pub const ROOT: NodeId = 0;

    /// Parses a page (never fails: every input gives some tree).
    pub fn parse(page: &str) -> Dom {
        let mut builder = Builder::new();
        let emitter =
            CallbackEmitter::new(|event: CallbackEvent<'_>, _: Span<()>| builder.event(event));
        // The builder says when text goes on raw (not after `<style>` inside SVG, say), so the
        // tokenizer's own guess from the tag name is not used.
        let mut tokenizer = Tokenizer::new_with_emitter(page, Quiet(emitter));
        while let Some(Ok(state)) = tokenizer.next() {
            tokenizer.set_state(state);
        }
        drop(tokenizer);
        // A page of only head content still has a body, as in a browser.
        builder.ensure_body();
        builder.dom
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.slots[id].node
    }

    pub fn element(&self, id: NodeId) -> Option<&Element> {
        self.node(id).as_element()
    }

    /// The children of `id`, in order.
    pub fn children(&self, id: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        std::iter::successors(self.slots[id].first_child, |&c| self.slots[c].next_sibling)
    }

    /// `id` and everything inside it, opening and closing each node, in document order.
    pub fn traverse(&self, id: NodeId) -> impl Iterator<Item = Edge> + '_ {
        let mut next = Some(Edge::Open(id));
        std::iter::from_fn(move || {
            let edge = next?;
            next = match edge {
                Edge::Open(n) => Some(match self.slots[n].first_child {
                    Some(child) => Edge::Open(child),
                    None => Edge::Close(n),
                }),
                Edge::Close(n) if n == id => None,
                Edge::Close(n) => match (self.slots[n].next_sibling, self.slots[n].parent) {
                    (Some(sibling), _) => Some(Edge::Open(sibling)),
                    (None, Some(parent)) => Some(Edge::Close(parent)),
                    (None, None) => None,
                },
            };
            Some(edge)
        })
    }

    /// `id` and every node inside it, in document order.
    pub fn descendants(&self, id: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        self.traverse(id).filter_map(|edge| match edge {
            Edge::Open(n) => Some(n),
            Edge::Close(_) => None,
        })
    }

    fn push(&mut self, node: Node) -> NodeId {
        self.slots.push(Slot {
            node,
            parent: None,
            first_child: None,
            last_child: None,
            previous_sibling: None,
            next_sibling: None,
        });
        self.slots.len() - 1
    }

    fn append(&mut self, parent: NodeId, child: NodeId) {
        let last = self.slots[parent].last_child;
        self.slots[child].parent = Some(parent);
        self.slots[child].previous_sibling = last;
        match last {
            Some(last) => self.slots[last].next_sibling = Some(child),
            None => self.slots[parent].first_child = Some(child),
        }
        self.slots[parent].last_child = Some(child);
    }

    fn insert_before(&mut self, sibling: NodeId, child: NodeId) {
        let Some(parent) = self.slots[sibling].parent else {
            return self.append(sibling, child);
        };
        let previous = self.slots[sibling].previous_sibling;
        self.slots[child].parent = Some(parent);
        self.slots[child].previous_sibling = previous;
        self.slots[child].next_sibling = Some(sibling);
        self.slots[sibling].previous_sibling = Some(child);
        match previous {
            Some(previous) => self.slots[previous].next_sibling = Some(child),
            None => self.slots[parent].first_child = Some(child),
        }
    }
}

/// The tokenizer's emitter without its parse errors: nothing reads them, and checking every
/// character for them was a tenth of reading a page.
struct Quiet<F: Callback<State, ()>>(CallbackEmitter<F, State>);

impl<F: Callback<State, ()>> ForwardingEmitter for Quiet<F> {
    type Token = State;

    fn inner(&mut self) -> &mut impl Emitter<Token = State> {
        &mut self.0
    }

    fn should_emit_errors(&mut self) -> bool {
        false
    }
}

/// Where the tree builder is in the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Nothing but the `<html>` tag yet.
    BeforeHead,
    /// Inside `<head>`.
    InHead,
    /// After `</head>`, before any body content.
    AfterHead,
    InBody,
}

/// A start tag being read.
#[derive(Default)]
struct Tag {
    name: String,
    attributes: Vec<(&'static str, String)>,
    /// The kept attribute whose value comes next.
    pending: Option<&'static str>,
}

struct Builder {
    dom: Dom,
    /// Open elements, innermost last (the document is not on it).
    open: Vec<NodeId>,
    html: Option<NodeId>,
    head: Option<NodeId>,
    phase: Phase,
    tag: Tag,
    /// A newline right after `<pre>` / `<listing>` / `<textarea>` is not content.
    skip_newline: bool,
}

impl Builder {
    fn new() -> Builder {
        let mut dom = Dom { slots: Vec::new() };
        dom.push(Node::Document);
        Builder {
            dom,
            open: Vec::new(),
            html: None,
            head: None,
            phase: Phase::BeforeHead,
            tag: Tag::default(),
            skip_newline: false,
        }
    }

    /// Builds on one token; returns the tokenizer state its text goes on in after a start tag
    /// (raw text after `<style>`, …).
    fn event(&mut self, event: CallbackEvent<'_>) -> Option<State> {
        match event {
            CallbackEvent::OpenStartTag { name } => {
                self.tag = Tag {
                    name: String::from_utf8_lossy(name).into_owned(),
                    ..Tag::default()
                };
            }
            CallbackEvent::AttributeName { name } => {
                // Only the first of each attribute counts, as in a browser.
                let attributes = &self.tag.attributes;
                self.tag.pending = KEPT_ATTRIBUTES
                    .iter()
                    .copied()
                    .find(|k| k.as_bytes() == name)
                    .filter(|k| attributes.iter().all(|(seen, _)| seen != k));
                // An attribute without a value has the empty one.
                if let Some(kept) = self.tag.pending {
                    self.tag.attributes.push((kept, String::new()));
                }
            }
            CallbackEvent::AttributeValue { value } => {
                if self.tag.pending.take().is_some() {
                    if let Some((_, v)) = self.tag.attributes.last_mut() {
                        *v = String::from_utf8_lossy(value).into_owned();
                    }
                }
            }
            CallbackEvent::CloseStartTag { self_closing } => {
                let tag = std::mem::take(&mut self.tag);
                return self.start_tag(tag.name, tag.attributes, self_closing);
            }
            CallbackEvent::EndTag { name } => self.end_tag(&String::from_utf8_lossy(name)),
            CallbackEvent::String { value } => self.text(&String::from_utf8_lossy(value)),
            CallbackEvent::Comment { .. }
            | CallbackEvent::Doctype { .. }
            | CallbackEvent::Error(_) => {}
        }
        None
    }

    fn current(&self) -> NodeId {
        self.open.last().copied().unwrap_or(Dom::ROOT)
    }

    fn current_is(&self, names: &[&str]) -> bool {
        self.dom
            .element(self.current())
            .is_some_and(|e| names.contains(&e.name.as_str()))
    }

    fn ensure_html(&mut self) -> NodeId {
        if let Some(html) = self.html {
            return html;
        }
        let html = self.element("html".into(), Vec::new());
        self.dom.append(Dom::ROOT, html);
        self.open.push(html);
        self.html = Some(html);
        html
    }

    fn ensure_head(&mut self) {
        if self.phase == Phase::BeforeHead {
            let html = self.ensure_html();
            let head = self.element("head".into(), Vec::new());
            self.dom.append(html, head);
            self.open.push(head);
            self.head = Some(head);
            self.phase = Phase::InHead;
        }
    }

    fn close_head(&mut self) {
        self.ensure_head();
        if self.phase == Phase::InHead {
            if let Some(head) = self.head {
                self.pop_through(head);
            }
            self.phase = Phase::AfterHead;
        }
    }

    /// Opens the body unless it is open.
    fn ensure_body(&mut self) {
        if self.phase != Phase::InBody {
            self.close_head();
            let html = self.ensure_html();
            let body = self.element("body".into(), Vec::new());
            self.dom.append(html, body);
            self.open.push(body);
            self.phase = Phase::InBody;
        }
    }

    fn element(&mut self, name: String, attributes: Vec<(&'static str, String)>) -> NodeId {
        self.element_of(name, attributes, false)
    }

    /// A new element, SVG or MathML content when `foreign`.
    fn element_of(
        &mut self,
        name: String,
        attributes: Vec<(&'static str, String)>,
        foreign: bool,
    ) -> NodeId {
        self.dom.push(Node::Element(Element {
            name,
            attributes,
            foreign,
        }))
    }

    /// An open element as the HTML rules see it: SVG and MathML elements match no HTML name
    /// (a `<tr>` inside `<svg>` is no table row).
    fn open_element(&self, id: NodeId) -> Option<&Element> {
        static FOREIGN: Element = Element {
            name: String::new(),
            attributes: Vec::new(),
            foreign: true,
        };
        let element = self.dom.element(id)?;
        Some(if element.foreign { &FOREIGN } else { element })
    }

    /// True when the current element is SVG or MathML content, other than the elements inside
    /// which markup is HTML again (`<foreignObject>`, `<desc>`, `<title>`, MathML's text).
    fn in_foreign(&self) -> bool {
        self.dom
            .element(self.current())
            .is_some_and(|e| e.foreign && !is_html_inside_foreign(&e.name))
    }

    /// Pops open elements up to and including `id`.
    fn pop_through(&mut self, id: NodeId) {
        if let Some(at) = self.open.iter().rposition(|&n| n == id) {
            self.open.truncate(at);
        }
    }

    /// The innermost open element named `name`, unless an element of `bounds` (or `<html>`)
    /// is inside it.
    fn in_scope(&self, name: &str, bounds: &[&str]) -> Option<NodeId> {
        self.innermost(
            |e| e.name == name,
            |e| bounds.contains(&e.name.as_str()) || bounds_scope(&e.name),
        )
    }

    /// The innermost open element `found` accepts, unless one `stops` accepts is inside it:
    /// every search of the open elements the spec makes is one of these.
    fn innermost(
        &self,
        found: impl Fn(&Element) -> bool,
        stops: impl Fn(&Element) -> bool,
    ) -> Option<NodeId> {
        for &id in self.open.iter().rev() {
            let e = self.open_element(id)?;
            if found(e) {
                return Some(id);
            }
            if stops(e) {
                return None;
            }
        }
        None
    }

    /// The innermost open table, whatever is open inside it.
    fn innermost_table(&self) -> Option<NodeId> {
        self.innermost(|e| e.name == "table", |_| false)
    }

    fn close_p(&mut self) {
        if let Some(p) = self.in_scope("p", &["button"]) {
            self.pop_through(p);
        }
    }

    /// Pops to the innermost table context element (table, section or row) named in `keep`,
    /// as the spec clears the stack back to a table, table body or row context.
    fn clear_to(&mut self, keep: &[&str]) {
        while let Some(&id) = self.open.last() {
            let Some(e) = self.open_element(id) else {
                break;
            };
            if keep.contains(&e.name.as_str()) || e.name == "html" {
                break;
            }
            self.open.pop();
        }
    }

    /// The innermost open table, when no cell is inside it (content goes into the table).
    fn table_context(&self) -> Option<NodeId> {
        self.innermost(|e| e.name == "table", |e| !is_table_context(&e.name))
    }

    /// Inserts `node` where content goes now: into the current element, or before the table
    /// when the current element is a table's structure (the spec's foster parenting).
    fn insert(&mut self, node: NodeId) {
        match self.table_context() {
            Some(table) => self.dom.insert_before(table, node),
            None => {
                let parent = self.current();
                self.dom.append(parent, node);
            }
        }
    }

    fn text(&mut self, text: &str) {
        let mut text = text;
        if std::mem::take(&mut self.skip_newline) {
            text = text.strip_prefix('\n').unwrap_or(text);
        }
        if text.is_empty() {
            return;
        }
        let blank = text
            .chars()
            .all(|c| matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{c}'));
        if self.phase != Phase::InBody {
            if blank {
                return;
            }
            if self.phase == Phase::InHead && !self.current_is(&["head"]) {
                let parent = self.current();
                return self.append_text(parent, text);
            }
            self.ensure_body();
        }
        if !blank && self.current_is(&["colgroup"]) {
            // A column group holds only columns.
            self.open.pop();
        }
        match self.table_context() {
            // Blank text between rows stays in the table; other text goes before it.
            Some(table) if !blank => {
                let before = self.dom.slots[table].previous_sibling;
                if let Some(previous) =
                    before.filter(|&p| matches!(self.dom.node(p), Node::Text(_)))
                {
                    if let Node::Text(t) = &mut self.dom.slots[previous].node {
                        t.push_str(text);
                    }
                } else {
                    let node = self.dom.push(Node::Text(text.to_string()));
                    self.dom.insert_before(table, node);
                }
            }
            _ => {
                let parent = self.current();
                self.append_text(parent, text);
            }
        }
    }

    /// Appends text to `parent`, joining it to a text node that ends it.
    fn append_text(&mut self, parent: NodeId, text: &str) {
        if let Some(last) = self.dom.slots[parent].last_child {
            if let Node::Text(t) = &mut self.dom.slots[last].node {
                return t.push_str(text);
            }
        }
        let node = self.dom.push(Node::Text(text.to_string()));
        self.dom.append(parent, node);
    }

    fn start_tag(
        &mut self,
        name: String,
        attributes: Vec<(&'static str, String)>,
        self_closing: bool,
    ) -> Option<State> {
        self.skip_newline = false;
        let n = name.as_str();
        if self.in_foreign() {
            if !breaks_foreign(n) {
                // SVG and MathML nest as written, `<x/>` closing itself.
                let node = self.element_of(name, attributes, true);
                let parent = self.current();
                self.dom.append(parent, node);
                if !self_closing && self.open.len() < MAX_OPEN {
                    self.open.push(node);
                }
                return None;
            }
            while self.in_foreign() {
                self.open.pop();
            }
        }
        if self.current_is(&["colgroup"]) && n != "col" {
            // A column group holds only columns.
            self.open.pop();
        }
        if let Some(select) = self.open_select() {
            // Inside a `<select>` only its options count; the tags that end it end it.
            match n {
                "option" | "optgroup" | "hr" => {
                    if self.current_is(&["option"]) {
                        self.open.pop();
                    }
                    if n != "option" && self.current_is(&["optgroup"]) {
                        self.open.pop();
                    }
                }
                "script" | "template" => {}
                "select" => {
                    self.pop_through(select);
                    return None;
                }
                "input" | "keygen" | "textarea" => self.pop_through(select),
                // In a table, its parts end a select left open in a cell.
                _ if (is_table_part(n) || n == "table") && self.in_table() => {
                    self.pop_through(select)
                }
                _ => return None,
            }
        }
        match n {
            "html" => {
                self.ensure_html();
                return None;
            }
            "head" => {
                if self.phase == Phase::BeforeHead {
                    self.ensure_head();
                }
                return None;
            }
            "body" => {
                if self.phase != Phase::InBody {
                    self.ensure_body();
                }
                return None;
            }
            _ => {}
        }
        let void = is_void(n);
        let state = text_state(n);
        if self.phase != Phase::InBody {
            if is_head_content(n) && self.phase != Phase::AfterHead {
                self.ensure_head();
                let head = self.head.unwrap_or(Dom::ROOT);
                let node = self.element(name, attributes);
                self.dom.append(head, node);
                if !void {
                    self.open.push(node);
                }
                return state;
            }
            self.ensure_body();
        }
        match n {
            _ if is_heading(n) => {
                self.close_p();
                if self
                    .open_element(self.current())
                    .is_some_and(|e| is_heading(&e.name))
                {
                    self.open.pop();
                }
            }
            "li" => {
                self.close_item(&["li"]);
                self.close_p();
            }
            "dd" | "dt" => {
                self.close_item(&["dd", "dt"]);
                self.close_p();
            }
            "tbody" | "thead" | "tfoot" | "caption" | "colgroup" if self.in_table() => {
                self.clear_to(&["table"]);
            }
            // A column ends the rows open before it, and goes in a column group.
            "col" if self.in_table() => {
                self.clear_to(&["table", "colgroup"]);
                self.open_implied("colgroup", &["table"]);
            }
            "tr" if self.in_table() => {
                self.clear_to(&["table", "tbody", "thead", "tfoot"]);
                self.open_implied("tbody", &["table"]);
            }
            "td" | "th" if self.in_table() => {
                self.clear_to(&["table", "tbody", "thead", "tfoot", "tr"]);
                // A cell outside a row gets one (and a row outside a body a body), as browsers
                // give them.
                self.open_implied("tbody", &["table"]);
                self.open_implied("tr", &["tbody", "thead", "tfoot"]);
            }
            // A table started between a table's rows ends that table.
            "table" => match self.table_outside_cells() {
                Some(table) => self.pop_through(table),
                None => self.close_p(),
            },
            // A cell, row or section outside any table is ignored, as browsers ignore it.
            _ if is_table_part(n) && !self.in_table() => return None,
            _ if closes_p(n) => self.close_p(),
            _ => {}
        }
        if n == "form" && self.in_table_context() {
            // A form between a table's rows stays in the table, empty, as in a browser.
            let form = self.element(name, attributes);
            let parent = self.current();
            self.dom.append(parent, form);
            return None;
        }
        let table_part = is_table_part(n);
        let skip_newline = matches!(n, "pre" | "listing" | "textarea");
        let foreign = matches!(n, "svg" | "math");
        // Inside a table but outside its cells, only the table's own parts go in; the rest
        // goes before the table.
        let node = self.element_of(name, attributes, foreign);
        if table_part && self.in_table_context() {
            let parent = self.current();
            self.dom.append(parent, node);
        } else {
            self.insert(node);
        }
        // `<svg/>` closes itself; an HTML element's `/>` means nothing.
        let closed = void || (foreign && self_closing);
        if closed {
            return None;
        }
        if self.open.len() >= MAX_OPEN {
            // Past the depth browsers allow too, an element stays empty and its content goes
            // beside it; every start tag walks the open elements, so they must stay few.
            return None;
        }
        self.open.push(node);
        self.skip_newline = skip_newline;
        state
    }

    /// The open `<select>`, if any: nothing but options opens inside one.
    fn open_select(&self) -> Option<NodeId> {
        self.innermost(|e| e.name == "select", |_| false)
    }

    /// Opens an element `name` the markup left out when the current element is one of `in`.
    fn open_implied(&mut self, name: &str, within: &[&str]) {
        if self.current_is(within) {
            let node = self.element(name.into(), Vec::new());
            let parent = self.current();
            self.dom.append(parent, node);
            self.open.push(node);
        }
    }

    /// True when a table is open and no cell of it is.
    fn in_table_context(&self) -> bool {
        self.table_context().is_some()
    }

    /// The innermost open table when no cell of it is open, whatever else is open above its
    /// rows (elements put before the table are): the spec's table insertion modes.
    fn table_outside_cells(&self) -> Option<NodeId> {
        self.innermost(
            |e| e.name == "table",
            |e| matches!(e.name.as_str(), "td" | "th" | "caption" | "body" | "html"),
        )
    }

    /// True when a table is open, in a cell of it or not.
    fn in_table(&self) -> bool {
        self.innermost_table().is_some()
    }

    /// Closes an open list item (one of `names`) unless a block other than address, div or
    /// p is inside it.
    fn close_item(&mut self, names: &[&str]) {
        for at in (0..self.open.len()).rev() {
            let Some(e) = self.open_element(self.open[at]) else {
                return;
            };
            if names.contains(&e.name.as_str()) {
                self.open.truncate(at);
                return;
            }
            if is_special(&e.name) && !matches!(e.name.as_str(), "address" | "div" | "p") {
                return;
            }
        }
    }

    fn end_tag(&mut self, name: &str) {
        self.skip_newline = false;
        // End tags go by the foreign rules even where start tags are HTML again.
        if self.dom.element(self.current()).is_some_and(|e| e.foreign) {
            // The innermost SVG or MathML element of that name ends; failing one, the end tag
            // is read as HTML.
            let foreign = self
                .open
                .iter()
                .rev()
                .take_while(|&&id| self.open_element(id).is_some_and(|e| e.foreign))
                .find(|&&id| self.dom.node(id).is(name))
                .copied();
            if let Some(open) = foreign {
                return self.pop_through(open);
            }
        }
        match name {
            "head" => {
                if self.phase == Phase::InHead {
                    self.close_head();
                }
                return;
            }
            // Content after them stays in the body, as browsers keep it.
            "body" | "html" => return,
            _ => {}
        }
        if let Some(select) = self.open_select() {
            match name {
                "option" | "optgroup" if self.current_is(&[name]) => {
                    self.open.pop();
                }
                "select" => self.pop_through(select),
                // A table's end tag ends the select in its cell, then the table's part.
                _ if (is_table_part(name) || name == "table") && self.in_table() => {
                    self.pop_through(select)
                }
                _ => return,
            }
            if !is_table_part(name) && name != "table" {
                return;
            }
        }
        if self.phase != Phase::InBody {
            if let Some(open) = self.in_scope(name, &[]) {
                if self
                    .open_element(open)
                    .is_some_and(|e| is_head_content(&e.name))
                {
                    self.pop_through(open);
                }
            }
            return;
        }
        match name {
            "p" => match self.in_scope("p", &["button"]) {
                Some(p) => self.pop_through(p),
                // `</p>` without a `<p>` is an empty paragraph: a line break.
                None => {
                    let p = self.element("p".into(), Vec::new());
                    self.insert(p);
                }
            },
            "br" => {
                let br = self.element("br".into(), Vec::new());
                self.insert(br);
            }
            "li" => {
                if let Some(li) = self.in_scope("li", &["ol", "ul"]) {
                    self.pop_through(li);
                }
            }
            "table" => {
                // Whatever is open in the table's cells ends with it.
                if let Some(table) = self.innermost_table() {
                    self.pop_through(table);
                }
            }
            "tr" | "tbody" | "thead" | "tfoot" | "td" | "th" | "caption" => {
                // The table scope: only the innermost table's parts.
                let part = self.innermost(
                    |e| e.name == name,
                    |e| matches!(e.name.as_str(), "table" | "html"),
                );
                if let Some(part) = part {
                    self.pop_through(part);
                }
            }
            _ if is_heading(name) => {
                // Any open heading ends at any heading's end tag.
                let heading = self.innermost(|e| is_heading(&e.name), |e| bounds_scope(&e.name));
                if let Some(heading) = heading {
                    self.pop_through(heading);
                }
            }
            _ if is_special(name) => {
                // A block's end tag closes what is open inside it (an unclosed `<p>`).
                if let Some(open) = self.in_scope(name, &[]) {
                    self.pop_through(open);
                }
            }
            _ => {
                // The spec's "any other end tag": close the innermost element of that name
                // unless a special element is inside it.
                let open = self.innermost(
                    |e| e.name == name,
                    |e| is_special(&e.name) || bounds_scope(&e.name),
                );
                if let Some(open) = open {
                    self.pop_through(open);
                }
            }
        }
    }
}

/// How the tokenizer reads what follows an HTML element `name` (browsers read a script's or a
/// style's content as text, not markup).
fn text_state(name: &str) -> Option<State> {
    match name {
        "title" | "textarea" => Some(State::RcData),
        "plaintext" => Some(State::PlainText),
        "script" => Some(State::ScriptData),
        "style" | "iframe" | "xmp" | "noembed" | "noframes" | "noscript" => Some(State::RawText),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The body as markup with every element closed (the head left out).
    fn body(page: &str) -> String {
        let dom = Dom::parse(page);
        let body = dom
            .descendants(Dom::ROOT)
            .find(|&n| dom.node(n).is("body"))
            .expect("every page has a body");
        let mut out = String::new();
        for edge in dom.traverse(body).skip(1) {
            match edge {
                Edge::Open(n) => match dom.node(n) {
                    Node::Element(e) => out.push_str(&format!("<{}>", e.name)),
                    Node::Text(t) => out.push_str(t),
                    Node::Document => {}
                },
                Edge::Close(n) => {
                    if let Some(e) = dom.element(n).filter(|e| !is_void(&e.name)) {
                        out.push_str(&format!("</{}>", e.name));
                    }
                }
            }
        }
        out.trim_end_matches("</body>").to_string()
    }

    #[test]
    fn a_paragraph_ends_at_the_next_block() {
        assert_eq!(
            body("<p>一<p>二<div>三</div>四<p>五"),
            "<p>一</p><p>二</p><div>三</div>四<p>五</p>"
        );
        // A block's end tag closes the paragraph left open inside it.
        assert_eq!(body("<div><p>a</div>b"), "<div><p>a</p></div>b");
        // A lone `</p>` is an empty paragraph.
        assert_eq!(body("a</p>b"), "a<p></p>b");
    }

    #[test]
    fn cells_rows_and_items_end_at_the_next_one() {
        assert_eq!(
            body("<table><tr><td>1<td>2<tr><td>3</table>"),
            "<table><tbody><tr><td>1</td><td>2</td></tr><tr><td>3</td></tr></tbody></table>"
        );
        assert_eq!(
            body("<ul><li>一<li>二<p>三<li>四</ul>"),
            "<ul><li>一</li><li>二<p>三</p></li><li>四</li></ul>"
        );
        assert_eq!(
            body("<dl><dt>甲<dd>乙<dt>丙</dl>"),
            "<dl><dt>甲</dt><dd>乙</dd><dt>丙</dt></dl>"
        );
        assert_eq!(body("<h1>一<h2>二</h1>三"), "<h1>一</h1><h2>二</h2>三");
    }

    #[test]
    fn tables_hold_only_their_parts() {
        // A cell without a row gets one (in a body); text between rows goes before the table.
        assert_eq!(
            body("<table><td>1</td>散<tr><td>2</td></tr></table>"),
            "散<table><tbody><tr><td>1</td></tr><tr><td>2</td></tr></tbody></table>"
        );
        // Cells and rows outside any table are ignored, their text kept.
        assert_eq!(body("<td>甲</td><tr>乙</tr>"), "甲乙");
        // An end tag inside a cell does not close what is open outside the table.
        assert_eq!(
            body("<div><table><tr><td>a</div>b</td></tr></table>c</div>"),
            "<div><table><tbody><tr><td>ab</td></tr></tbody></table>c</div>"
        );
        // A table started between rows ends the table before it.
        assert_eq!(
            body("<table><tr><td>1</td></tr><table><tr><td>2</td></tr></table>"),
            "<table><tbody><tr><td>1</td></tr></tbody></table><table><tbody><tr><td>2</td></tr></tbody></table>"
        );
    }

    #[test]
    fn head_content_stays_in_the_head_and_late_content_in_the_body() {
        let dom = Dom::parse("<title>标题</title><meta name=x content=y>正文</body><p>后</p>");
        let head = dom.descendants(Dom::ROOT).find(|&n| dom.node(n).is("head"));
        let head_text: String = dom
            .descendants(head.expect("a head"))
            .filter_map(|n| match dom.node(n) {
                Node::Text(t) => Some(t.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(head_text, "标题");
        let meta = dom.descendants(Dom::ROOT).find(|&n| dom.node(n).is("meta"));
        let meta = meta.and_then(|n| dom.element(n)).expect("a meta");
        assert_eq!(
            (meta.attr("name"), meta.attr("content")),
            (Some("x"), Some("y"))
        );
        assert_eq!(
            body("<title>t</title>正文</body><p>后</p>"),
            "正文<p>后</p>"
        );
    }

    #[test]
    fn text_is_decoded_and_a_newline_after_pre_dropped() {
        assert_eq!(
            body("<p>&amp;&lt;&#20013;&ldquo;</p>"),
            "<p>&<中\u{201c}</p>"
        );
        assert_eq!(body("<pre>\n甲\n乙</pre>"), "<pre>甲\n乙</pre>");
        assert_eq!(
            body("<p>x</p><script>a='<p>'</script>"),
            "<p>x</p><script>a='<p>'</script>"
        );
    }

    #[test]
    fn deep_nesting_is_cut_at_the_cap() {
        let page = "<div>".repeat(3_000) + "底";
        let dom = Dom::parse(&page);
        let deepest = dom
            .traverse(Dom::ROOT)
            .scan(0usize, |depth, edge| {
                match edge {
                    Edge::Open(_) => *depth += 1,
                    Edge::Close(_) => *depth -= 1,
                }
                Some(*depth)
            })
            .max();
        assert!(deepest.is_some_and(|d| d <= MAX_OPEN + 2), "{deepest:?}");
        assert!(body(&page).contains("<div></div>底"));
    }

    /// Pieces of markup, broken and whole, for the property test.
    const PIECES: &[&str] = &[
        "<p>",
        "</p>",
        "<div class=nav>",
        "</div>",
        "<table>",
        "</table>",
        "<tr>",
        "</tr>",
        "<td>",
        "</td>",
        "<th colspan=2>",
        "<tbody>",
        "</tbody>",
        "<caption>",
        "<colgroup>",
        "<col>",
        "<li>",
        "</li>",
        "<ul>",
        "<dd>",
        "<dt>",
        "<h1>",
        "</h2>",
        "<b>",
        "</b>",
        "<select>",
        "<option>",
        "</select>",
        "<svg>",
        "<title>",
        "</svg>",
        "<math>",
        "<mi>",
        "<script>",
        "</script>",
        "<style>",
        "<textarea>",
        "<pre>",
        "\n",
        "<br/>",
        "</br>",
        "<form>",
        "<head>",
        "</head>",
        "<body>",
        "</body>",
        "</html>",
        "<!-- c -->",
        "&amp;",
        "&#0;",
        "<",
        ">",
        "文",
        "1",
        " ",
        "<plaintext>",
    ];

    proptest::proptest! {
        #[test]
        fn any_markup_gives_a_tree_holding_each_node_once(
            pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..80)
        ) {
            let dom = Dom::parse(&pieces.concat());
            let mut opened = vec![0usize; dom.slots.len()];
            let mut depth = 0usize;
            for edge in dom.traverse(Dom::ROOT) {
                match edge {
                    Edge::Open(n) => {
                        opened[n] += 1;
                        depth += 1;
                    }
                    Edge::Close(_) => depth -= 1,
                }
            }
            proptest::prop_assert_eq!(depth, 0);
            proptest::prop_assert!(opened.iter().all(|&n| n == 1), "{:?}", opened);
        }
    }

    #[test]
    fn only_the_first_of_each_kept_attribute_counts() {
        let dom = Dom::parse("<div class=a class=b id=c style=d colspan>x</div>");
        let div = dom.descendants(Dom::ROOT).find(|&n| dom.node(n).is("div"));
        let div = div.and_then(|n| dom.element(n)).expect("a div");
        assert_eq!(div.attr("class"), Some("a"));
        assert_eq!(div.attr("id"), Some("c"));
        assert_eq!(div.attr("style"), None);
        assert_eq!(div.attr("colspan"), Some(""));
    }
}
