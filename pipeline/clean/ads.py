"""Rule ``ad_contact``: ad paragraphs and contact details (URLs, phones, WeChat/QQ ids).

A block that carries contact details together with ad wording, or an
unmistakable call to action (点击下方链接…申请, 申请入口：, 加微信, 秒批…), is an
ad and goes whole; plain how-to wording (点击"申请"按钮) never is. Elsewhere only the contact
span goes (with a label such as ``电话：`` before it). Short service numbers
that are the article's subject (花呗 95188, 10086, 12315) are not phone
numbers in this sense and stay.
"""

from __future__ import annotations

import re

from pipeline.clean.base import Rule, any_of, has_content, rule_config
from pipeline.document import Block, Document

_AD_MAX_CHARS = 400


class AdContact(Rule):
    """Drops ad blocks and strips contact details from the others."""

    name = "ad_contact"

    def __init__(self) -> None:
        config = rule_config(self.name)
        contact = any_of([config["url"], *config["phone"], config["im_id"]])
        self.contact = re.compile(f"{config['label']}?(?:{contact.pattern})")
        self.cta = any_of(config["cta"])
        self.ad_words = tuple(config["ad_words"])
        self.min_ad_words = int(config["min_ad_words"])

    def is_ad(self, text: str, has_contact: bool) -> bool:
        """An ad block: contact details plus ad wording, or a call to action."""
        if len(text) > _AD_MAX_CHARS:
            return False
        if self.cta.search(text):
            return True
        words = sum(1 for word in self.ad_words if word in text)
        return has_contact and words >= self.min_ad_words

    def __call__(self, blocks: list[Block], doc: Document) -> list[Block]:
        kept = []
        for block in blocks:
            contacts = list(self.contact.finditer(block.text))
            if self.is_ad(block.text, bool(contacts)):
                self.drop(doc, block)
                continue
            if contacts:
                for match in contacts:
                    doc.remove(self.name, match.group(0))
                block.text = self.contact.sub("", block.text).strip()
                block.edited = True
                if not has_content(block.text):
                    continue
            kept.append(block)
        return kept
