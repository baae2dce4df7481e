using System.Net;
using System.Text.RegularExpressions;

namespace TriageBot.Bots;

/// <summary>
/// The text of a Teams message body (<c>messagePayload.body.content</c>, HTML): block elements and line breaks
/// become new lines, every tag goes, entities are decoded once (after the tags are gone, so an escaped
/// <c>&amp;lt;p&amp;gt;</c> stays text and never becomes markup). Linear in the input (no backtracking patterns).
/// </summary>
public static partial class HtmlText
{
    /// <summary>Bodies longer than this are cut before they are read (a Teams message is at most about 28 KB).</summary>
    public const int MaxInput = 100_000;

    public static string ToPlainText(string? html)
    {
        if (string.IsNullOrEmpty(html))
        {
            return "";
        }
        var text = html.Length > MaxInput ? html[..MaxInput] : html;
        text = CommentRegex().Replace(text, "");
        text = InvisibleRegex().Replace(text, "");
        text = BreakRegex().Replace(text, "\n");
        text = BlockRegex().Replace(text, "\n");
        text = TagRegex().Replace(text, "");
        text = WebUtility.HtmlDecode(text);
        return Tidy(text);
    }

    /// <summary>Plain text as it arrives (<c>contentType: "text"</c>): entities decoded, lines tidied.</summary>
    public static string FromText(string? text) => string.IsNullOrEmpty(text) ? "" : Tidy(WebUtility.HtmlDecode(text.Length > MaxInput ? text[..MaxInput] : text));

    /// <summary>One line per non-empty line, spaces collapsed (paragraphs and list items each become a line).</summary>
    private static string Tidy(string text)
    {
        var lines = text.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n')
            .Select(line => SpacesRegex().Replace(line.Replace('\u00A0', ' ').Replace("\u200B", ""), " ").Trim())
            .Where(line => line.Length > 0);
        return string.Join("\n", lines);
    }

    [GeneratedRegex(@"<!--.*?(?:-->|$)", RegexOptions.Singleline | RegexOptions.NonBacktracking)]
    private static partial Regex CommentRegex();

    // Content that is never shown: scripts, styles, and the head of a whole document.
    [GeneratedRegex(@"<(?:script|style|head|template)\b[^>]*>.*?(?:</(?:script|style|head|template)\s*>|$)", RegexOptions.Singleline | RegexOptions.IgnoreCase | RegexOptions.NonBacktracking)]
    private static partial Regex InvisibleRegex();

    [GeneratedRegex(@"<br\b[^>]*>", RegexOptions.IgnoreCase | RegexOptions.NonBacktracking)]
    private static partial Regex BreakRegex();

    [GeneratedRegex(@"</?(?:p|div|li|ul|ol|tr|table|h[1-6]|pre|blockquote|section|article|hr|dt|dd)\b[^>]*>", RegexOptions.IgnoreCase | RegexOptions.NonBacktracking)]
    private static partial Regex BlockRegex();

    // A tag starts with a letter, '/', '!' or '?': "a < b" and "<3" are text.
    [GeneratedRegex(@"<[A-Za-z/!?][^<>]*>", RegexOptions.NonBacktracking)]
    private static partial Regex TagRegex();

    [GeneratedRegex(@"[ \t\f\v]+", RegexOptions.NonBacktracking)]
    private static partial Regex SpacesRegex();
}
