using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace TriageBot.Core.Knowledge.Parsing;

/// <summary>
/// A file from <c>knowledge/</c>: its front matter, language, identity and body. A localized
/// copy in the span-pair format carries two views of the same text: the translation and the
/// English it was translated from (<c>sxs-lookup</c>), which lets its tables be recognised.
/// </summary>
public sealed partial record SourceDocument(
    string FileName,
    string Title,
    string Locale,
    string Identity,
    string? Audience,
    IReadOnlyDictionary<string, string> FrontMatter,
    string Body,
    string? EnglishBody)
{
    /// <summary>True when the body is a span-pair localisation (both views available).</summary>
    public bool IsSpanPair => EnglishBody is not null;

    public bool IsEnglish => Locale.StartsWith("en", StringComparison.OrdinalIgnoreCase);

    public static SourceDocument Load(string path) => Parse(Path.GetFileName(path), File.ReadAllText(path));

    public static SourceDocument Parse(string fileName, string text)
    {
        text = text.Replace("\r\n", "\n");
        var frontMatter = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var body = text;
        var fm = FrontMatterRegex().Match(text);
        if (fm.Success)
        {
            ReadFrontMatter(fm.Groups[1].Value, frontMatter, fileName);
            body = text[fm.Length..];
        }

        var locale = Normalize(
            frontMatter.GetValueOrDefault("ms.contentlocale")
            ?? frontMatter.GetValueOrDefault("locale")
            ?? LocaleFromFileName(fileName)
            ?? "en-us");
        var stem = FileStem(fileName);
        var identity = frontMatter.GetValueOrDefault("ms.assetid") is { Length: > 0 } asset ? "asset:" + asset.ToLowerInvariant() : "file:" + stem;

        string? english = null;
        if (SpanPairRegex().IsMatch(body))
        {
            english = SpanPairRegex().Replace(body, m => m.Groups[2].Value);
            body = SpanPairRegex().Replace(body, m => m.Groups[1].Value);
        }

        var title = frontMatter.GetValueOrDefault("title") ?? FirstHeading(english ?? body) ?? stem;
        var audience = frontMatter.GetValueOrDefault("ms.audience") ?? frontMatter.GetValueOrDefault("audience");
        return new SourceDocument(fileName, title, locale, identity, audience, frontMatter, body, english);
    }

    /// <summary>BCP-47 tag, lower case, with the Chinese script subtags folded to the regions the documents use.</summary>
    public static string Normalize(string locale)
    {
        var l = locale.Trim().Replace('_', '-').ToLowerInvariant();
        return l switch
        {
            "zh" or "zh-hans" or "zh-sg" or "zh-hans-cn" => "zh-cn",
            "zh-hant" or "zh-hk" or "zh-mo" or "zh-hant-tw" => "zh-tw",
            "en" => "en-us",
            "de" => "de-de",
            _ => l,
        };
    }

    private static void ReadFrontMatter(string yaml, Dictionary<string, string> into, string fileName)
    {
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode map)
            {
                return;
            }
            foreach (var (key, value) in map.Children)
            {
                if (key is YamlScalarNode k && k.Value is not null)
                {
                    into[k.Value] = value switch
                    {
                        YamlScalarNode s => s.Value ?? "",
                        YamlSequenceNode seq => string.Join(", ", seq.Children.OfType<YamlScalarNode>().Select(x => x.Value)),
                        _ => "",
                    };
                }
            }
        }
        catch (YamlDotNet.Core.YamlException ex)
        {
            throw new KnowledgeFormatException(fileName, $"front matter is not valid YAML ({ex.Message})");
        }
    }

    private static string? LocaleFromFileName(string fileName)
    {
        var m = FileLocaleRegex().Match(fileName);
        return m.Success ? m.Groups[1].Value : null;
    }

    private static string FileStem(string fileName)
    {
        var name = Path.GetFileNameWithoutExtension(fileName);
        var m = FileLocaleRegex().Match(fileName);
        return m.Success ? name[..^(m.Groups[1].Value.Length + 1)] : name;
    }

    private static string? FirstHeading(string body)
    {
        var m = HeadingRegex().Match(body);
        return m.Success ? MarkdownArticleParser.Clean(Regex.Replace(m.Groups[1].Value, "<[^>]+>", "")) : null;
    }

    [GeneratedRegex(@"\A---\n(.*?)\n---[ \t]*\n", RegexOptions.Singleline)]
    private static partial Regex FrontMatterRegex();

    [GeneratedRegex("""<span data-ttu-id="[^"]*">(.*?)</span><span class="sxs-lookup"><span data-stu-id="[^"]*">(.*?)</span></span>""", RegexOptions.Singleline)]
    private static partial Regex SpanPairRegex();

    [GeneratedRegex(@"\.([a-z]{2}(?:-[a-z0-9]{2,4}){0,2})\.(?:md|markdown|txt)$", RegexOptions.IgnoreCase)]
    private static partial Regex FileLocaleRegex();

    [GeneratedRegex(@"^#\s+(.+)$", RegexOptions.Multiline)]
    private static partial Regex HeadingRegex();
}

/// <summary>A knowledge document that cannot be used, with the reason.</summary>
public sealed class KnowledgeFormatException(string fileName, string reason) : Exception($"{fileName}: {reason}")
{
    public string FileName { get; } = fileName;

    public string Reason { get; } = reason;
}
