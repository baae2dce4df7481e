using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace TriageBot.Escalation;

/// <summary>
/// Removes what does not belong in a ticket before it is stored or sent: passwords typed into the
/// chat, bearer tokens and JWTs, keys and secrets, connection-string passwords, private keys and
/// payment card numbers. Error texts, KB numbers, error codes and e-mail addresses (sign-in
/// addresses are needed) are kept. Redacting twice changes nothing.
/// </summary>
public static partial class Redactor
{
    public const string Password = "[redacted password]";
    public const string Token = "[redacted token]";
    public const string Secret = "[redacted secret]";
    public const string PrivateKey = "[redacted private key]";
    public const string CardNumber = "[redacted card number]";

    // A secret value: quoted, or up to whitespace or a separator of connection strings and lists.
    private const string Value = """(?:"[^"\r\n]*"|'[^'\r\n]*'|[^\s;,"']+)""";

    // Words that describe a password rather than being one ("my password is wrong").
    private const string NotAPassword =
        "(?:not|no|incorrect|wrong|invalid|expired|expiring|correct|right|fine|ok|okay|still|too|definitely|the|a|an|about|going|being|"
        + "locked|reset|changed|required|empty|blank|same|different|very|really|also|now|set|saved|case|working|valid|"
        + "nicht|kein|falsch|korrekt|richtig|abgelaufen|gesperrt|ungültig|noch|auch)\\b";

    [return: NotNullIfNotNull(nameof(text))]
    public static string? Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        text = PrivateKeyBlock().Replace(text, PrivateKey);
        text = BearerToken().Replace(text, m => m.Groups["label"].Value + Token);
        text = Jwt().Replace(text, Token);
        text = LabelledPassword().Replace(text, m => m.Groups["label"].Value + Password);
        text = PasswordPhrase().Replace(text, m => m.Groups["label"].Value + Password);
        text = ChinesePassword().Replace(text, m => m.Groups["label"].Value + Password);
        text = LabelledSecret().Replace(text, m => m.Groups["label"].Value + Secret);
        text = SecretPhrase().Replace(text, m => m.Groups["label"].Value + Secret);
        text = CardLike().Replace(text, m => IsCardNumber(m.Value) ? CardNumber : m.Value);
        return text;
    }

    // Card numbers: 13 to 19 digits of the networks' ranges (2-6) that pass the Luhn check, so error
    // codes, KB numbers, phone numbers and millisecond timestamps (which start with 1) are kept.
    private static bool IsCardNumber(string candidate)
    {
        var digits = candidate.Where(char.IsAsciiDigit).Select(c => c - '0').ToArray();
        if (digits.Length is < 13 or > 19 || digits[0] is < 2 or > 6)
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i];
            if (i % 2 == 1)
            {
                d = d * 2 > 9 ? d * 2 - 9 : d * 2;
            }

            sum += d;
        }

        return sum % 10 == 0;
    }

    [GeneratedRegex(@"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)")]
    private static partial Regex PrivateKeyBlock();

    // Only values with a digit: "Bearer realm=..." in an error text is not a token.
    [GeneratedRegex(@"(?<label>\bbearer[ \t]+)(?=[\w\-.~+/]*\d)[\w\-.~+/]{8,}=*", RegexOptions.IgnoreCase)]
    private static partial Regex BearerToken();

    [GeneratedRegex(@"\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*")]
    private static partial Regex Jwt();

    // "password: hunter2", "pw=...", "Password=...;" in connection strings, "password": "..." in JSON, German "Kennwort: ...".
    [GeneratedRegex(@"(?<label>\b(?:password|passwd|pwd|pw|passcode|passwort|kennwort)[""']?[ \t]*[:=][ \t]*)(?!" + NotAPassword + @")(?!\[redacted)" + Value, RegexOptions.IgnoreCase)]
    private static partial Regex LabelledPassword();

    // "my password is hunter2", "my new Windows password was ...", "mein Passwort ist ...".
    [GeneratedRegex(@"(?<label>\b(?:my|our|the|new|old|current|temporary|temp|mein|meine|unser|unsere|das|neues|altes)[ \t]+(?:[\w']+[ \t]+)?(?:password|passwort|kennwort|pw|pwd|passcode)[ \t]+(?:is|was|ist|war|lautet)[ \t]+)(?!" + NotAPassword + @")(?!\[redacted)" + Value, RegexOptions.IgnoreCase)]
    private static partial Regex PasswordPhrase();

    // "我的密码是abc123", "密碼：..."; not "密码错误" (wrong password) or "密码是正确的" (it is correct).
    [GeneratedRegex(@"(?<label>(?:密码|密碼)[ \t]*(?:是|为|為|:|：|=)[ \t]*)(?!错|錯|不|正确|正確|對|对|\[redacted)[^\s，。,；;：:]+")]
    private static partial Regex ChinesePassword();

    // "api_key=...", "client secret: ...", "AccountKey=...;", "token=...", "&sig=..." (8+ characters).
    [GeneratedRegex(@"(?<label>\b(?:api[_\- ]?key|apikey|access[_\- ]?key|account[_\- ]?key|shared[_\- ]?access[_\- ]?key|subscription[_\- ]?key|client[_\- ]?secret|secret|(?:access|refresh|id|auth|bearer|sas)?[_\- ]?token|sig)[""']?[ \t]*[:=][ \t]*[""']?)(?!\[redacted)[\w\-.~+/%]{8,}=*", RegexOptions.IgnoreCase)]
    private static partial Regex LabelledSecret();

    // "the client secret is 8Q~..." / "key AbC123...": 20+ characters with letters and digits only.
    [GeneratedRegex(@"(?<label>\b(?:key|secret|token)[ \t]+(?:is[ \t]+)?)(?=[\w\-.~+/]*\d)(?=[\w\-.~+/]*[a-z])[\w\-.~+/]{20,}=*", RegexOptions.IgnoreCase)]
    private static partial Regex SecretPhrase();

    [GeneratedRegex(@"(?<![\w\-.])\d(?:[ \-]?\d){12,18}(?![\w\-])")]
    private static partial Regex CardLike();
}
