package io.aideploy.gateway;

/**
 * The "Login with token" page: plain HTML that works without JavaScript, labelled for screen
 * readers, with the error (if any) announced as an alert. Every dynamic part is escaped.
 */
final class LoginPage {
  private LoginPage() {}

  /**
   * @param appLabel what the user signs in to (app name and URL), or null
   * @param rd the validated return address to carry in the form, or null
   * @param formToken the signed anti-forgery token of this form
   * @param error a message for the user, or null
   * @param showForm false when the page can only explain an error (such as a bad link)
   * @param offerSignOut whether to offer signing out of the app (its sessions live on its host,
   *     which this page cannot see, so it is offered whenever the page is for an app)
   * @param notice a plain message for the user, or null
   */
  static String render(
      String appLabel,
      String appUrl,
      String rd,
      String formToken,
      String error,
      boolean showForm,
      boolean offerSignOut,
      String notice) {
    StringBuilder html = new StringBuilder(2048);
    html.append(
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Login with token – aideploy</title>
        <style>
        body{font-family:system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem;color:#1b1b1b;line-height:1.5}
        h1{font-size:1.5rem}
        label{display:block;font-weight:600;margin-top:1rem}
        input[type=password]{width:100%;box-sizing:border-box;padding:.6rem;font-size:1rem;border:2px solid #555;border-radius:4px}
        input:focus,button:focus{outline:3px solid #0b57d0;outline-offset:2px}
        button{margin-top:1rem;padding:.6rem 1.4rem;font-size:1rem;background:#0b57d0;color:#fff;border:0;border-radius:4px;cursor:pointer}
        .secondary{background:#fff;color:#0b57d0;border:2px solid #0b57d0}
        .error{border-left:4px solid #b3261e;background:#fde7e9;padding:.6rem 1rem;margin:1rem 0}
        .hint{color:#444;font-size:.9rem}
        </style>
        </head>
        <body>
        <main>
        <h1>Login with token</h1>
        """);
    if (appLabel != null) {
      html.append("<p>You are signing in to <strong>")
          .append(escape(appLabel))
          .append("</strong> at <code>")
          .append(escape(appUrl))
          .append("</code>.</p>\n");
    }
    if (error != null) {
      html.append("<div class=\"error\" role=\"alert\" id=\"error\">")
          .append(escape(error))
          .append("</div>\n");
    }
    if (notice != null) {
      html.append("<p role=\"status\" id=\"notice\">").append(escape(notice)).append("</p>\n");
    }
    if (showForm) {
      html.append("<form method=\"post\" action=\"login\">\n")
          .append("<input type=\"hidden\" name=\"csrf\" value=\"")
          .append(escape(formToken))
          .append("\">\n");
      if (rd != null) {
        html.append("<input type=\"hidden\" name=\"rd\" value=\"")
            .append(escape(rd))
            .append("\">\n");
      }
      html.append("<label for=\"token\">Access token</label>\n")
          .append(
              "<input type=\"password\" id=\"token\" name=\"token\" required autocomplete=\"off\""
                  + " autofocus spellcheck=\"false\" aria-describedby=\"token-hint")
          .append(error != null ? " error" : "")
          .append("\"")
          .append(error != null ? " aria-invalid=\"true\"" : "")
          .append(">\n")
          .append(
              "<p class=\"hint\" id=\"token-hint\">Paste the token you were given; it starts with"
                  + " <code>aid_</code>.</p>\n")
          .append("<button type=\"submit\">Connect</button>\n")
          .append("</form>\n");
    }
    if (offerSignOut && rd != null) {
      html.append("<form method=\"post\" action=\"logout\">\n")
          .append("<input type=\"hidden\" name=\"rd\" value=\"")
          .append(escape(rd))
          .append("\">\n")
          .append(
              "<button type=\"submit\" class=\"secondary\" id=\"sign-out\">Sign out of this"
                  + " app</button>\n")
          .append("</form>\n");
    }
    html.append("</main>\n</body>\n</html>\n");
    return html.toString();
  }

  static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
