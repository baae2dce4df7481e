using System.Globalization;
using System.Text;

namespace TriageBot.Benchmarks;

/// <summary>
/// A made-up knowledge article with one "Error message | Cause | Resolution" table of any size,
/// generated from a fixed seed. Messages are error sentences from a few templates filled with a
/// vocabulary of about 3,300 words: some 260 real words of the trade (server, certificate, verify,
/// expired...) and 3,000 generated product and component names. Words are drawn with a Zipf
/// distribution, so a few are in thousands of rows and most in a handful, as in real documents.
/// Rows are generated in order from one seed: a smaller table is a prefix of a larger one.
/// </summary>
internal sealed class SyntheticKnowledge
{
    public const int Seed = 4_271;
    public const int NameCount = 3_000;

    private static readonly string[] Nouns =
    [
        "server", "connection", "certificate", "account", "address", "password", "domain", "client", "service", "configuration",
        "policy", "token", "session", "request", "response", "profile", "mailbox", "meeting", "conference", "directory",
        "gateway", "proxy", "firewall", "endpoint", "tenant", "license", "subscription", "device", "driver", "update",
        "version", "package", "module", "database", "record", "entry", "channel", "queue", "message", "file",
        "folder", "share", "drive", "printer", "network", "adapter", "router", "port", "protocol", "credential",
        "identity", "user", "group", "role", "permission", "setting", "registry", "key", "value", "attribute",
        "object", "schema", "index", "cache", "store", "volume", "partition", "disk", "memory", "process",
        "thread", "handle", "resource", "quota", "timeout", "schedule", "task", "job", "agent", "worker",
        "node", "cluster", "region", "zone", "instance", "replica", "backup", "snapshot", "archive", "log",
        "event", "alert", "notification", "calendar", "contact", "presence", "status", "call", "audio", "video",
        "camera", "microphone", "speaker", "headset", "display", "screen", "window", "dialog", "browser", "plugin",
        "extension", "application", "component", "feature", "signature", "hash", "algorithm", "cipher", "handshake", "chain",
        "authority", "issuer", "subject", "thumbprint", "revocation", "federation", "trust", "relay", "route", "header",
        "payload", "cookie", "redirect", "callback", "scope", "claim", "assertion", "metadata", "manifest", "template",
        "workflow", "pipeline", "trigger", "connector", "bridge", "firmware", "kernel", "clock", "time zone", "locale",
        "language pack", "sign-in address", "user name", "phone number", "voicemail", "recording", "transcript", "license key", "product key", "activation",
    ];

    private static readonly string[] Verbs =
    [
        "connect to", "reach", "verify", "validate", "load", "open", "save", "read", "write", "sync",
        "update", "install", "download", "upload", "register", "authenticate", "authorize", "resolve", "contact", "create",
        "delete", "find", "retrieve", "acquire", "renew", "refresh", "start", "stop", "restart", "initialize",
        "mount", "parse", "decode", "encode", "encrypt", "decrypt", "sign", "import", "export", "publish",
        "subscribe to", "join", "leave", "send", "receive", "deliver", "forward", "process", "apply", "assign",
        "provision", "migrate", "replicate", "restore", "allocate", "release", "bind", "negotiate", "launch", "query",
    ];

    private static readonly string[] Adjectives =
    [
        "unavailable", "invalid", "expired", "corrupted", "missing", "disabled", "locked", "unreachable", "unsupported", "incompatible",
        "outdated", "malformed", "untrusted", "revoked", "incomplete", "inconsistent", "duplicate", "unknown", "unexpected", "empty",
        "full", "busy", "offline", "suspended", "read-only", "stale", "pending", "blocked", "denied", "misconfigured",
        "unlicensed", "unsigned", "truncated", "restricted", "deprecated", "orphaned", "overloaded", "throttled", "unresponsive", "out of date",
    ];

    // Each template has about as many variable words as fixed ones, so that two messages rarely
    // share the 85% of their words at which the catalog builder merges them into one symptom.
    private static readonly string[] MessageTemplates =
    [
        "The {n} {n} on {N} could not {v} the {n} because the {N} {n} is {a}.",
        "Unable to {v} {N} {n}: the {n} returned {an} {a} {n} from {N}.",
        "{N} failed to {v} the {n} {n} for {N} {n}. Contact your {n} administrator.",
        "Cannot {v} the {N} {n} {n}. The {n} on {N} may be {a}.",
        "{N} could not {v} the {n} {n}; retrying the {n} on {N}.",
        "Your {n} {n} is {a}. Sign in to {N} again to {v} your {N} {n}.",
        "{N} {n} {n} not found: {a} {n} on {N}.",
        "The {n} for {N} is {a} and {N} cannot {v} the {n}.",
        "We couldn't {v} your {n} {n} because {N} reported {an} {a} {n} on {N}.",
        "{N} stopped responding; unable to {v} the {n} {n} on {N}.",
    ];

    private static readonly string[] CauseTemplates =
    [
        "The {n} on {N} is {a}.",
        "{N} {n} is {a} or {a}.",
        "The {n} {n} was {a} when {N} tried to {v} it.",
        "{N} doesn't have permission to {v} the {n}.",
    ];

    private static readonly string[] ResolutionTemplates =
    [
        "Restart {N} and {v} the {n} again.",
        "Ask an administrator to {v} the {n} for {N}.",
        "Check that the {n} of {N} is not {a}, then {v} it.",
    ];

    private readonly Random _random = new(Seed);
    private readonly string[] _names;
    private readonly double[] _nameWeights;
    private readonly double[] _nounWeights;
    private readonly double[] _verbWeights;
    private readonly double[] _adjectiveWeights;

    private SyntheticKnowledge(int rows)
    {
        _names = GenerateNames(_random, NameCount);
        _nameWeights = Zipf(_names.Length);
        _nounWeights = Zipf(Nouns.Length);
        _verbWeights = Zipf(Verbs.Length);
        _adjectiveWeights = Zipf(Adjectives.Length);
        var messages = new string[rows];
        var sb = new StringBuilder(rows * 260);
        sb.Append("---\ntitle: Synthetic error messages\nms.contentlocale: en-us\n---\n\n")
            .Append("# Synthetic error messages\n\n## Error messages\n\n")
            .Append("|Error message |Cause |Resolution |\n|-|-|-|\n");
        for (var r = 0; r < rows; r++)
        {
            messages[r] = Fill(MessageTemplates[_random.Next(MessageTemplates.Length)]);
            var cause = Fill(CauseTemplates[_random.Next(CauseTemplates.Length)]);
            var resolution = Fill(ResolutionTemplates[_random.Next(ResolutionTemplates.Length)]);
            sb.Append("| ").Append(messages[r]).Append(" | ").Append(cause).Append(" | ").Append(resolution).Append(" |\n");
        }
        Messages = messages;
        Names = new HashSet<string>(_names, StringComparer.Ordinal);
        Markdown = sb.ToString();
    }

    /// <summary>The documented message of each row, in table order.</summary>
    public IReadOnlyList<string> Messages { get; }

    /// <summary>The generated product and component names (capitalized).</summary>
    public IReadOnlySet<string> Names { get; }

    public string Markdown { get; }

    public (string FileName, string Text) Document => ("synthetic-errors.en-us.md", Markdown);

    public static SyntheticKnowledge Generate(int rows) => new(rows);

    private string Fill(string template)
    {
        var sb = new StringBuilder(template.Length * 2);
        var used = new HashSet<string>(StringComparer.Ordinal); // no word twice in one sentence
        for (var i = 0; i < template.Length; i++)
        {
            if (template[i] != '{')
            {
                sb.Append(template[i]);
                continue;
            }
            var end = template.IndexOf('}', i);
            var slot = template[(i + 1)..end];
            i = end;
            string word;
            do
            {
                word = slot switch
                {
                    "N" => _names[Pick(_nameWeights)],
                    "n" => Nouns[Pick(_nounWeights)],
                    "v" => Verbs[Pick(_verbWeights)],
                    "a" => Adjectives[Pick(_adjectiveWeights)],
                    "an" => "{an}",
                    _ => throw new InvalidOperationException(slot),
                };
            }
            while (slot != "an" && !used.Add(word));
            sb.Append(word);
        }
        var text = sb.ToString();
        // Article before the next word: "an expired", "a stale".
        for (var at = text.IndexOf("{an}", StringComparison.Ordinal); at >= 0; at = text.IndexOf("{an}", StringComparison.Ordinal))
        {
            var next = at + 5 < text.Length ? text[at + 5] : 'x';
            text = string.Concat(text.AsSpan(0, at), "aeiou".Contains(next) ? "an" : "a", text.AsSpan(at + 4));
        }
        return char.ToUpperInvariant(text[0]) + text[1..];
    }

    private int Pick(double[] cumulative)
    {
        var x = _random.NextDouble() * cumulative[^1];
        var i = Array.BinarySearch(cumulative, x);
        return Math.Min(i < 0 ? ~i : i, cumulative.Length - 1);
    }

    /// <summary>Cumulative Zipf weights (exponent 1) for ranks 1..n.</summary>
    private static double[] Zipf(int n)
    {
        var cumulative = new double[n];
        var sum = 0.0;
        for (var rank = 1; rank <= n; rank++)
        {
            sum += 1.0 / rank;
            cumulative[rank - 1] = sum;
        }
        return cumulative;
    }

    /// <summary>Product-like names from syllables ("Velorix", "Brandum"), distinct from each other and from the real words.</summary>
    private static string[] GenerateNames(Random random, int count)
    {
        string[] onsets = ["b", "c", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "cl", "dr", "gr", "pl", "st", "tr", "qu", "sh"];
        string[] vowels = ["a", "e", "i", "o", "u", "ae", "io", "ou"];
        string[] codas = ["", "", "n", "r", "s", "x", "l", "m", "nt", "rk"];
        var reserved = new HashSet<string>(Nouns.Concat(Verbs).Concat(Adjectives), StringComparer.OrdinalIgnoreCase);
        var names = new List<string>(count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (names.Count < count)
        {
            var syllables = random.Next(2, 4);
            var sb = new StringBuilder();
            for (var s = 0; s < syllables; s++)
            {
                sb.Append(onsets[random.Next(onsets.Length)]).Append(vowels[random.Next(vowels.Length)]);
                if (s == syllables - 1 || random.Next(3) == 0)
                {
                    sb.Append(codas[random.Next(codas.Length)]);
                }
            }
            var name = sb.ToString();
            if (!reserved.Contains(name) && seen.Add(name))
            {
                names.Add(char.ToUpper(name[0], CultureInfo.InvariantCulture) + name[1..]);
            }
        }
        return [.. names];
    }
}
