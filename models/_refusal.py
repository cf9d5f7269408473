"""``find_refusal``: an explicit "no" from the customer (SPEC §6), in EN, ES, PT, FR, DE, RU
and ZH.

Three kinds of phrase (all found by one :class:`~models.lexicon.Lexicon`):

- ``decided``: a decision that settles it ("we decided to go with another supplier",
  "wir haben uns für einen anderen Lieferanten entschieden", "项目取消");
- ``object_after``: a refusal that may be partial, its object following it ("we are not
  interested in plastic, only aluminium", "we will not proceed with the plastic version"):
  it counts when nothing follows, or what follows is our offer ("… in your offer");
- ``object_before``: the same in Russian and Chinese, where the object comes first
  ("塑料不感兴趣"): it counts when the clause before it holds only generic words.

None counts in a question, after a conditional in the same sentence ("if you are not
interested …", "otherwise we will go with another supplier"), after a negation, a hedge or
someone else close before it ("we have not decided to go with another supplier", "we might
…", "those who are not interested"), or with a restriction or condition after it ("…
until", "… only aluminium"). A reply's subject ("Re: …") may be ours and is not read.
"""

from __future__ import annotations

import re

from models.lexicon import CJK, Lexicon, Match, Rule, once, rules, snippet, word_set

__all__ = ["find_refusal"]

_DECIDED, _AFTER, _BEFORE = "refusal:decided", "refusal:object_after", "refusal:object_before"
_RULES: tuple[Rule, ...] = (
    *rules(
        _DECIDED,
        1.0,
        """go with another supplier|go with a different supplier|go with another vendor|
        go with another manufacturer|go with another factory|went with another supplier|
        going with another supplier|chose another supplier|chosen another supplier|
        chose a different supplier|selected another supplier|found another supplier|
        found a cheaper supplier|found a better supplier|found a different supplier|
        work with another supplier|working with another supplier|
        bought from another supplier|purchased from another supplier|
        ordered from another supplier|placed the order with another supplier|
        placed our order with another supplier|placed the order elsewhere|
        placed our order elsewhere|awarded the order to another|awarded the project to another|
        not interested any more|not interested anymore|no longer interested|lost interest|
        not interested at this time|not interested at the moment|not interested for now|
        not interested at all|no longer need it|no longer need them|no longer need your|
        don't need it anymore|do not need it anymore|don't need it any more|
        do not need it any more|decided not to order|decided not to buy|
        decided not to purchase|decided not to place|will not place an order|
        won't place an order|cancel the project|cancel this project|cancelled the project|
        canceled the project|project has been cancelled|project has been canceled|
        project was cancelled|project was canceled|project is cancelled|project is canceled|
        project got cancelled|project got canceled|project cancelled|project canceled|
        cancel our inquiry|cancel our enquiry|cancel the inquiry|cancel the enquiry|
        withdraw our inquiry|withdraw our enquiry|pass on this offer|pass on this opportunity|
        remove us from your mailing list|remove me from your mailing list|
        remove us from your list|remove me from your list|stop sending us|stop sending me|
        do not contact us again|don't contact us again|do not email us again|
        trabajar con otro proveedor|ir con otro proveedor|elegimos otro proveedor|
        elegido otro proveedor|escogimos otro proveedor|encontramos otro proveedor|
        encontrado otro proveedor|compramos a otro proveedor|comprado a otro proveedor|
        seguir con otro proveedor|optado por otro proveedor|optamos por otro proveedor|
        ya no estamos interesados|ya no nos interesa|ya no necesitamos|
        no seguiremos adelante|no vamos a seguir adelante|decidimos no continuar|
        decidido no continuar|decidimos no seguir|decidido no seguir|cancelar el proyecto|
        cancelamos el proyecto|el proyecto fue cancelado|el proyecto ha sido cancelado|
        proyecto cancelado|no vamos a comprar|no realizaremos el pedido|
        seguir com outro fornecedor|trabalhar com outro fornecedor|
        escolhemos outro fornecedor|escolhido outro fornecedor|encontramos outro fornecedor|
        fechamos com outro fornecedor|compramos de outro fornecedor|
        optamos por outro fornecedor|não estamos mais interessados|não temos mais interesse|
        não precisamos mais|decidimos não prosseguir|decidimos não seguir|
        não vamos dar continuidade|cancelar o projeto|cancelamos o projeto|
        o projeto foi cancelado|projeto cancelado|não vamos comprar|
        choisi un autre fournisseur|opté pour un autre fournisseur|
        trouvé un autre fournisseur|travailler avec un autre fournisseur|
        retenu un autre fournisseur|commandé chez un autre fournisseur|
        acheté chez un autre fournisseur|ne sommes plus intéressés|ne sommes plus intéressé|
        ne suis plus intéressé|n'avons plus besoin|n'est plus d'actualité|
        ne donnerons pas suite|ne pas donner suite|ne pouvons pas donner suite|
        décidé de ne pas poursuivre|ne poursuivrons pas|projet annulé|projet a été annulé|
        annuler le projet|annulé le projet|projet est annulé|
        für einen anderen lieferanten entschieden|für einen anderen anbieter entschieden|
        für einen anderen hersteller entschieden|anderen lieferanten gewählt|
        anderen lieferanten gefunden|anderen lieferanten beauftragt|
        bei einem anderen lieferanten bestellt|bei einem anderen lieferanten gekauft|
        haben uns anders entschieden|kein interesse mehr|nicht mehr interessiert|
        benötigen wir nicht mehr|brauchen wir nicht mehr|nicht weiter verfolgen|
        projekt wurde abgesagt|projekt wurde storniert|projekt wurde gestoppt|
        projekt wurde eingestellt|projekt abgesagt|projekt storniert|projekt eingestellt|
        werden nicht bestellen|von einer bestellung absehen|
        выбрали другого поставщика|нашли другого поставщика|работаем с другим поставщиком|
        работать с другим поставщиком|купили у другого поставщика|
        заказали у другого поставщика|остановились на другом поставщике|
        больше не интересует|больше не интересно|больше не актуально|уже не актуально|
        уже неактуально|вынуждены отказаться|решили отказаться|проект отменен|
        проект отменили|отменили проект|проект закрыт|не будем заказывать|не будем закупать|
        не будем продолжать|选择其他供应商|选择了其他供应商|选了其他供应商|选择别的供应商|
        选择了别的供应商|找到其他供应商|找到了其他供应商|找到别的供应商|找到了别的供应商|
        和其他供应商合作|与其他供应商合作|跟其他供应商合作|从其他供应商购买|
        已经在其他供应商|项目取消|项目已取消|项目被取消|取消项目|放弃这个项目|不合作了""",
    ),
    *rules(
        _AFTER,
        0.6,
        """not interested|not proceed|not proceeding|won't proceed|not be proceeding|
        not going to proceed|decided not to proceed|
        not move forward|not be moving forward|not go ahead|not going ahead|
        already have a supplier|already have suppliers|no estamos interesados|
        no nos interesa|no me interesa|no estoy interesado|no tenemos interés|
        no vamos a continuar|no continuaremos|no procederemos|ya tenemos proveedor|
        ya tenemos un proveedor|não estamos interessados|não temos interesse|
        não tenho interesse|não nos interessa|não vamos prosseguir|já temos fornecedor|
        já temos um fornecedor|pas intéressé|pas intéressés|pas intéressée|pas intéressées|
        avons déjà un fournisseur|kein interesse|nicht interessiert|
        bereits einen lieferanten|schon einen lieferanten""",
    ),
    *rules(
        _BEFORE,
        0.6,
        """не интересует|не интересно|неактуально|не актуально|уже есть поставщик|
        不感兴趣|没有兴趣|没兴趣|暂时不需要|不再需要|不需要了|已经不需要|不考虑了|先不考虑|
        不做了|已经有供应商|已有供应商""",
    ),
)

_SENTENCE_END = re.compile(r"[.!?;。！？；\n]")
_CLAUSE_END = re.compile(r"[,，、:：]")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_REPLY = re.compile(
    r"^\s*(?:re|aw|wg|fw|fwd|sv|vs|rv|r|tr|enc|res|ответ|回复|答复|转发)\s*(?:\[\d+\])?\s*[:：]",
    re.I,
)
# Anywhere before, in the same sentence: the refusal is only a possibility.
_CONDITIONAL = re.compile(
    r"\b(?:if|unless|otherwise|whether|in case|or else|si|a menos que|de lo contrario|"
    r"en caso de|caso|sen[aã]o|se (?:voc[eê]s?|n[aã]o|o|a|os|as)|sinon|à moins|au cas|"
    r"wenn|falls|sonst|ansonsten|sofern|если|иначе|в случае|ли)\b|如果|要是|假如|万一|否则|若是"
)
# Close before, in the same clause: "we have not decided to …", "we might …".
_NEGATIONS = word_set(
    """not no never neither nor cannot nunca jamás jamas ni não nao nem pas jamais nicht kein
    keine keinen keinem keiner nie niemals не нет ни никогда"""
)
_HEDGES = word_set(
    """might may could would should maybe perhaps possibly probably consider considering
    thinking plan planning quizás quizá podríamos talvez poderíamos peut-être pourrions
    vielleicht könnten eventuell возможно может можем"""
)
# Close before: someone else's refusal ("apologies to those who are not interested").
_OTHERS = word_set("who whoever those anyone anybody quien quienes quem wer кто")
_CJK_NEGATION = re.compile(r"(?:没|不|未|别|非|无)[^\W\d_]?$")
_CJK_HEDGE = re.compile(r"可能|也许|或许|考虑|打算")
# After it, in the same sentence: a condition, a time limit or a restriction.
_AFTER_GUARD = re.compile(
    r"\b(?:if|unless|until|before|as long as|only|just|instead|rather|except|si|a menos|"
    r"salvo|hasta que|antes de|solo|sólo|solamente|únicamente|sino|excepto|a não ser|até que|"
    r"só|somente|apenas|exceto|à moins|jusqu|avant|tant que|seulement|uniquement|sauf|"
    r"plutôt|wenn|falls|sofern|bis|bevor|solange|nur|sondern|lediglich|außer|stattdessen|"
    r"если|пока|прежде|только|лишь|кроме|вместо)\b|除非|如果|之前|否则|的话|只|而是|仅|除了|改为"
)
# What may follow an ``object_after`` phrase through a preposition: our offer, not a product.
_PREPOSITION = re.compile(
    r"\s*(?:in|on|for|with|en|em|por|con|com|pour|par|à|au|aux|avec|an|am|für|mit|в|на|с)\s+"
    r"(.*)",
    re.S,
)
_OUR_OFFER = word_set(
    """your yours this these that those it any further continuing working pursuing
    proceeding offer quotation quote proposal order project purchase cooperation business
    su sus vuestra vuestro esta este oferta cotización propuesta pedido proyecto seu sua
    seus suas vossa proposta cotação orçamento projeto votre vos cette ce ces offre devis
    proposition commande projet ihr ihre ihrem ihren ihrer dieses diesem diese angebot
    auftrag projekt ваш ваше вашего вашей вашим ваших этом это предложение предложением
    проект"""
)
# What may stand before an ``object_before`` phrase in its clause.
_GENERIC_RU = word_set(
    """мы нас нам меня мне это эта этот ваше ваш ваша ваши вашей предложение продукция
    больше уже к сожалению пока сейчас в на данный данное момент настоящее время нет тема
    и так что а но спасибо компания компанию нашу нашей всё все вообще совсем"""
)
_GENERIC_ZH = re.compile(
    r"(?:我们|我|我司|本公司|公司|目前|现在|暂时|已经|这边|对于|对|你们|您们|您|贵司|贵公司|的|"
    r"产品|报价|这个|此|了|还是|都|也|就|先|非常|抱歉|不好意思|谢谢|感谢|但是|但|可是|客户|"
    r"方面|项目|于|再|真的|实在|\s)*"
)


@once
def _lexicon() -> Lexicon:
    return Lexicon(_RULES)


def find_refusal(subject: str, text: str) -> str | None:
    """The sentence (≤ ~160 characters, verbatim) in which the customer explicitly turns us
    down, from the new ``text`` of their message or its ``subject`` (not a reply's
    subject); ``None`` when they do not. Meant for inbound mail only: our own "if you are
    not interested …" is not theirs."""
    fields = (text,) if _REPLY.match(subject) else (text, subject)
    for field in fields:
        for match in _lexicon().scan(field):
            if _counts(field, match):
                return snippet(field, match.start, match.end)
    return None


def _counts(text: str, match: Match) -> bool:
    left = max((m.end() for m in _SENTENCE_END.finditer(text, 0, match.start)), default=0)
    stop = _SENTENCE_END.search(text, match.end)
    right = len(text) if stop is None else stop.start()
    if stop is not None and stop.group() in "?？":
        return False
    head = text[left : match.start].casefold()
    tail = text[match.end : right].casefold()
    clause = _CLAUSE_END.split(head)[-1]
    if _CONDITIONAL.search(head) or _AFTER_GUARD.search(tail) or _close_negation(clause):
        return False
    if match.key == _AFTER:
        return _about_our_offer(tail)
    if match.key == _BEFORE:
        return _generic_before(clause)
    return True


def _close_negation(clause: str) -> bool:
    words = _WORD.findall(clause)[-4:]
    if any(w in _NEGATIONS or w in _HEDGES or w in _OTHERS or w.endswith("n't") for w in words):
        return True
    trimmed = clause.rstrip()
    return bool(_CJK_NEGATION.search(trimmed) or _CJK_HEDGE.search(trimmed[-6:]))


def _about_our_offer(tail: str) -> bool:
    following = _PREPOSITION.match(tail)
    if following is None:
        return True
    return any(w in _OUR_OFFER for w in _WORD.findall(following.group(1))[:3])


def _generic_before(clause: str) -> bool:
    if CJK.search(clause):
        return _GENERIC_ZH.fullmatch(clause) is not None
    return all(w in _GENERIC_RU for w in _WORD.findall(clause))
