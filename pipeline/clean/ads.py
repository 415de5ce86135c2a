"""Rule ``ad_contact``: ad paragraphs and contact details (URLs, phones, WeChat/QQ ids).

A block that carries contact details together with ad wording, or an
unmistakable call to action (点击下方链接…申请, 申请入口：, 加微信, 秒批…), is an
ad and goes whole; plain how-to wording (点击"申请"按钮) never is. Elsewhere
URLs, WeChat/QQ ids and mobile numbers are cut out (with a label such as
``网址：``), a landline or 400 number only when its sentence reads like an ad
(免费, 办理, 致电…): an
official number the article is about (监督电话0571-…) stays, and so do short
service numbers (花呗 95188, 10086, 12315).
"""

from __future__ import annotations

import re

from pipeline.clean.base import Needles, Rule, Scanner, any_of, has_content, rule_config
from pipeline.document import Block, Document
from pipeline.scanner import consumed_chars, first_chars

_AD_MAX_CHARS = 400


class AdContact(Rule):
    """Drops ad blocks and strips contact details from the others."""

    name = "ad_contact"

    def __init__(self) -> None:
        config = rule_config(self.name)
        contact = any_of([config["url"], *config["phone"], config["im_id"]])
        self.contact = Scanner(re.compile(f"{config['label']}?(?:{contact.pattern})"))
        # contacts found without their optional label, which is looked for in front
        # of each: exact when no contact can start inside a label (see _contacts)
        self.bare = Scanner(contact)
        self.label_before = Scanner(re.compile(f"{config['label']}\\Z"))
        starts, label = first_chars(contact), consumed_chars(re.compile(config["label"]))
        self.split_label = starts is not None and label is not None and not starts & label
        self.phone = any_of(config["phone"])
        self.mobile = Scanner(re.compile(config["phone"][0]))
        self.mobile_ad_max = int(config["mobile_ad_max_chars"])
        self.phone_cues = tuple(config["inline_phone_cues"])
        self.cta = Scanner(any_of(config["cta"]))
        self.ad_words = tuple(config["ad_words"])
        self.min_ad_words = int(config["min_ad_words"])
        self.contact_needles = Needles.of(self.contact.pattern)
        self.cta_needles = Needles.of(self.cta.pattern)
        self.mobile_needles = Needles.of(self.mobile.pattern)
        # a mobile is a contact: a text without contact or call-to-action needles is left alone
        self.needles = Needles.of(self.contact.pattern, self.cta.pattern)

    def is_ad(self, text: str, has_contact: bool, *, cta: bool = True, mobile: bool = True) -> bool:
        """An ad block: contact details plus ad wording, or a call to action.

        ``cta``/``mobile`` False: ``text`` is known to hold no call to action / mobile.
        """
        if len(text) > _AD_MAX_CHARS:
            return False
        if cta and self.cta.search(text):
            return True
        if mobile and len(text) <= self.mobile_ad_max and self.mobile.search(text):
            return True  # a personal mobile number in a short block is an ad
        if not has_contact:
            return False
        return sum(1 for word in self.ad_words if word in text) >= self.min_ad_words

    def __call__(self, blocks: list[Block], doc: Document) -> list[Block]:
        kept = []
        for block in blocks:
            text = block.text
            if not self.needles.found_in(text):
                kept.append(block)
                continue
            # a text without any needle holds no contact, call to action or mobile
            contacts = self._contacts(text) if self.contact_needles.found_in(text) else []
            if len(text) <= _AD_MAX_CHARS and self.is_ad(
                text,
                bool(contacts),
                cta=bool(self.cta_needles.found_in(text)),
                mobile=bool(self.mobile_needles.found_in(text)),
            ):
                self.drop(doc, block)
                continue
            cut = [m for m in contacts if self._cut_inline(block.text, m)]
            if cut:
                for match in cut:
                    doc.remove(self.name, match.group(0))
                block.text = _without(block.text, cut).strip()
                block.edited = True
                if not has_content(block.text):
                    continue
            kept.append(block)
        return kept

    def _contacts(self, text: str) -> list[re.Match[str]]:
        """``list(self.contact.finditer(text))``, with fewer tries.

        Every match is a bare contact, after a label or not. No contact starts
        inside a label, so the bare contacts found left to right are those of the
        matches, and a match starts at the leftmost label (after the previous
        match) that ends where its contact starts, else at the contact itself.
        """
        if not self.split_label:
            return list(self.contact.finditer(text))
        found = []
        last = 0
        match = self.contact.pattern.match
        for bare in self.bare.finditer(text):
            label = self.label_before.search(text, last, bare.start())
            full = match(text, bare.start() if label is None else label.start())
            if full is None or full.end() != bare.end():  # not expected: the sure way
                return list(self.contact.finditer(text))
            found.append(full)
            last = full.end()
        return found

    def _cut_inline(self, text: str, match: re.Match[str]) -> bool:
        """URLs, ids and mobiles always go; other phones only inside an ad-like sentence."""
        if not self.phone.search(match.group(0)) or self.mobile.pattern.search(match.group(0)):
            return True
        start = max(text.rfind(p, 0, match.start()) for p in "。！？；\n") + 1
        ends = [i for i in (text.find(p, match.end()) for p in "。！？；\n") if i >= 0]
        sentence = text[start : min(ends, default=len(text))]
        return any(cue in sentence for cue in self.phone_cues)


def _without(text: str, matches: list[re.Match[str]]) -> str:
    parts, last = [], 0
    for match in matches:
        parts.append(text[last : match.start()])
        last = match.end()
    parts.append(text[last:])
    return "".join(parts)
