"""The OAuth2 grants of mailboxes, for the mailbox service: obtain a first access token with
a grant being added, store the grant (its secrets encrypted), show it without secrets.

The functions run inside the caller's transaction and never commit. Talking to the token
endpoint blocks for up to the timeout given.
"""

from __future__ import annotations

from app.api.mailboxes.grants import OAuth2GrantIn, OAuth2GrantOut
from app.db.repositories.mailboxes import MailboxRepository
from app.db.tables import OAuth2Grant
from app.errors import OAuth2GrantRefusedError, TokenEndpointUnreachableError
from app.oauth2.client import TokenClient
from app.oauth2.protocol import OAuth2Error, TokenEndpointUnavailableError, TokenSet
from app.secret_box import SecretBox
from app.sync.login import GrantRefusedError, TokenEndpointDownError, fresh_token, store_tokens


def obtain_tokens(grant: OAuth2GrantIn, timeout: float) -> TokenSet:
    """An access token for a grant being added (RFC 6749 §6 refresh): ``400
    oauth2_grant_refused`` when the endpoint refuses the grant or client, ``502
    oauth2_token_endpoint_unreachable`` when it cannot answer."""
    secret = None if grant.client_secret is None else grant.client_secret.get_secret_value()
    client = TokenClient(grant.client_id, secret, timeout=timeout)
    try:
        return client.refresh(
            grant.resolved_endpoint,
            grant.refresh_token.get_secret_value(),
            grant.resolved_scopes,
        )
    except OAuth2Error as exc:
        if exc.grant_refused:
            raise OAuth2GrantRefusedError(
                f"the token endpoint refused the grant ({exc}): authorise again "
                "(`leadlens mailbox authorize`) and give the new refresh token"
            ) from None
        raise TokenEndpointUnreachableError(f"the token endpoint answered {exc}") from None
    except TokenEndpointUnavailableError as exc:
        raise TokenEndpointUnreachableError(str(exc)) from None


def store_grant(
    repository: MailboxRepository,
    secrets: SecretBox,
    mailbox_id: str,
    grant: OAuth2GrantIn,
    tokens: TokenSet,
) -> OAuth2Grant:
    """Give the mailbox ``grant`` (replacing the one it had) with the access token just
    obtained and, when the endpoint rotated it, the new refresh token."""
    client_secret = grant.client_secret
    stored = repository.set_grant(
        mailbox_id,
        provider=grant.provider,
        token_endpoint=grant.resolved_endpoint,
        client_id=grant.client_id,
        client_secret_ciphertext=(
            None if client_secret is None else secrets.encrypt(client_secret.get_secret_value())
        ),
        refresh_token_ciphertext=secrets.encrypt(grant.refresh_token.get_secret_value()),
        scopes=grant.resolved_scopes,
    )
    store_tokens(stored, secrets, tokens)
    return stored


def stored_grant_token(
    repository: MailboxRepository, secrets: SecretBox, mailbox_id: str, timeout: float
) -> str:
    """An access token of the mailbox's stored grant (cached, or renewed in the caller's
    transaction): ``400 oauth2_grant_refused`` or ``502 oauth2_token_endpoint_unreachable``."""
    grant = repository.grants([mailbox_id]).get(mailbox_id)
    if grant is None:
        raise OAuth2GrantRefusedError(f"mailbox {mailbox_id} has no OAuth2 grant: give one")
    try:
        return fresh_token(grant, secrets, timeout)
    except GrantRefusedError as exc:
        raise OAuth2GrantRefusedError(str(exc)) from None
    except TokenEndpointDownError as exc:
        raise TokenEndpointUnreachableError(str(exc)) from None


def grant_out(grant: OAuth2Grant) -> OAuth2GrantOut:
    """What the API shows of ``grant``: no secret, no token."""
    return OAuth2GrantOut.model_validate(
        {
            "provider": grant.provider,
            "client_id": grant.client_id,
            "scopes": list(grant.scopes),
            "token_endpoint": grant.token_endpoint,
            "access_token_expires_at": grant.access_token_expires_at,
            "refreshed_at": grant.refreshed_at,
            "refused_at": grant.refused_at,
        }
    )
