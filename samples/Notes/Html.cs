using System.Text;

namespace Notes;

/// <summary>The pages' HTML: a shared frame, and escaping for every text that came from a user.</summary>
internal static class Html
{
    public const string ContentType = "text/html; charset=utf-8";

    /// <summary>
    /// Appends <paramref name="text"/> escaped for an element's content or a quoted attribute value:
    /// the five characters that could end either or start markup (HTML Living Standard §13.1.2.6).
    /// </summary>
    public static StringBuilder AppendEscaped(this StringBuilder html, string text)
    {
        foreach (char c in text)
        {
            _ = c switch
            {
                '&' => html.Append("&amp;"),
                '<' => html.Append("&lt;"),
                '>' => html.Append("&gt;"),
                '"' => html.Append("&quot;"),
                '\'' => html.Append("&#39;"),
                _ => html.Append(c),
            };
        }

        return html;
    }

    /// <summary>The start of a page, with its title escaped.</summary>
    public static StringBuilder Begin(string title)
    {
        var html = new StringBuilder(1024);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>").AppendEscaped(title)
            .Append("</title></head>\n<body>\n<h1>").AppendEscaped(title).Append("</h1>\n");
        return html;
    }

    /// <summary>The end of a page.</summary>
    public static string End(StringBuilder html) =>
        html.Append("<p><a href=\"/\">Notes</a> · <a href=\"/admin\">Admin</a></p>\n</body>\n</html>\n").ToString();
}
