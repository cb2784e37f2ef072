{#-
  Sign-in events of the audit log (service `accounts`), one list for every security query:
    {% from "_audit.sql" import sign_in_actions %}
    ... AND action_name IN ({{ sign_in_actions() }})
  Browser (SAML, OIDC, Azure AD), token (PAT, Azure AD, JWT, OAuth) and certificate / login-code sign-ins.
-#}
{% macro sign_in_actions() -%}
'login', 'aadTokenLogin', 'aadBrowserLogin', 'oidcBrowserLogin', 'tokenLogin', 'jwtLogin', 'samlLogin', 'mfaLogin',
'certLogin', 'oidcTokenAuthorization', 'passwordVerifyAuthentication', 'accountLoginCodeAuthentication'
{%- endmacro %}
