using TriageBot.Core.Knowledge.Parsing;

namespace TriageBot.Core.Knowledge;

/// <summary>Where a piece of catalog text comes from: the file, its title and language, the section.</summary>
public sealed record SourceRef(string File, string Title, string Locale, string Section, string? Anchor);

/// <summary>A value per language (lower-case BCP-47 tag, e.g. <c>en-us</c>, <c>zh-cn</c>) with its source.</summary>
public sealed class Localized<T>
    where T : class
{
    private readonly Dictionary<string, (T Value, SourceRef Source)> _byLocale = new(StringComparer.OrdinalIgnoreCase);

    public IEnumerable<string> Locales => _byLocale.Keys;

    public T English => Get("en-us");

    public void Set(string locale, T value, SourceRef source) => _byLocale[locale] = (value, source);

    public bool Has(string locale) => _byLocale.ContainsKey(locale);

    /// <summary>The value in <paramref name="locale"/>, else its language without region, else English, else any.</summary>
    public T Get(string? locale) => Resolve(locale).Value;

    public SourceRef SourceOf(string? locale) => Resolve(locale).Source;

    public string LocaleOf(string? locale) => _byLocale.First(kv => ReferenceEquals(kv.Value.Value, Resolve(locale).Value)).Key;

    private (T Value, SourceRef Source) Resolve(string? locale)
    {
        if (locale is not null)
        {
            if (_byLocale.TryGetValue(locale, out var exact))
            {
                return exact;
            }
            var language = locale.Split('-')[0];
            foreach (var (key, value) in _byLocale)
            {
                if (key.Split('-')[0].Equals(language, StringComparison.OrdinalIgnoreCase))
                {
                    return value;
                }
            }
        }
        foreach (var (key, value) in _byLocale)
        {
            if (key.StartsWith("en", StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }
        return _byLocale.Values.First();
    }
}

/// <summary>A Knowledge Base article named by a document.</summary>
public sealed record KbLink(string Number, string Title, string Url);

/// <summary>How to fix a cause: a procedure of the document, or the text of a resolution cell.</summary>
public sealed record Resolution(RichText Title, string? Anchor, IReadOnlyList<DocBlock> Blocks);

/// <summary>Which table a documented row comes from.</summary>
public enum EntryKind
{
    /// <summary>A row of an error-message table: message, cause, resolution.</summary>
    ErrorMessage,

    /// <summary>A row of a common-causes table: a cause phrased as what the user sees, and its resolution.</summary>
    CommonCause,
}

/// <summary>
/// One documented row: the message a user sees, its cause and its resolution, in each language the
/// documents have, with the conditions the document attaches to it.
/// </summary>
public sealed class Cause
{
    public required string Id { get; init; }

    public required EntryKind Kind { get; init; }

    public required Localized<RichText> Message { get; init; }

    public required Localized<RichText> Text { get; init; }

    public required Localized<Resolution> Resolution { get; init; }

    /// <summary>The KB's problem category key (client, authentication, network, service), where the document gives one.</summary>
    public string? Category { get; init; }

    /// <summary>Condition ids (see <c>knowledge/curated/conditions.yaml</c>) that must hold for this cause to apply.</summary>
    public required IReadOnlyList<string> Conditions { get; init; }

    public required IReadOnlyList<KbLink> KbLinks { get; init; }

    /// <summary>The English source of the row.</summary>
    public required SourceRef Source { get; init; }
}

/// <summary>
/// What a user can report: one or more documented messages (the same message documented in
/// several places is one symptom) and the documented causes, in document order.
/// </summary>
public sealed class Symptom
{
    public required string Id { get; init; }

    public required IReadOnlyList<Cause> Causes { get; init; }

    /// <summary>Curated phrasings per language (lower-case tag), from <c>knowledge/curated/aliases.yaml</c>.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<string>> Aliases { get; init; }

    public IReadOnlyList<KbLink> RelatedKb { get; internal set; } = [];

    /// <summary>The distinct documented messages, English first occurrence order.</summary>
    public IEnumerable<Localized<RichText>> Messages =>
        Causes.Select(c => c.Message).DistinctBy(m => m.English.Plain, StringComparer.OrdinalIgnoreCase);

    /// <summary>The shortest documented English message: how the bot names the symptom.</summary>
    public string Title => Causes.Where(c => c.Kind == EntryKind.ErrorMessage).Select(c => c.Message.English.Plain)
        .DefaultIfEmpty(Causes[0].Message.English.Plain).MinBy(m => m.Length)!;

    public override string ToString() => Id;
}

/// <summary>A problem category from a categories table (e.g. the KB's client / authentication / network / service).</summary>
public sealed record Category(string Key, RichText Name, RichText Issue, RichText PossibleCauses, SourceRef Source);

/// <summary>A knowledge document that was read, with what it contributed.</summary>
public sealed record LoadedDocument(string File, string Title, string Locale, string Identity, bool IsPrimary, int Entries);

/// <summary>A document (or a part of one) that could not be used, and why.</summary>
public sealed record KnowledgeProblem(string File, string Reason)
{
    public override string ToString() => $"{File}: {Reason}";
}

/// <summary>The symptoms, causes and resolutions built from the documents in <c>knowledge/</c>.</summary>
public sealed class Catalog
{
    private readonly Dictionary<string, Symptom> _byId;

    public Catalog(IReadOnlyList<Symptom> symptoms, IReadOnlyList<Category> categories, IReadOnlyList<LoadedDocument> documents, IReadOnlyList<KnowledgeProblem> problems, Curated.CuratedData curated)
    {
        Symptoms = symptoms;
        Categories = categories;
        Documents = documents;
        Problems = problems;
        Curated = curated;
        _byId = symptoms.ToDictionary(s => s.Id, StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyList<Symptom> Symptoms { get; }

    public IReadOnlyList<Category> Categories { get; }

    public IReadOnlyList<LoadedDocument> Documents { get; }

    public IReadOnlyList<KnowledgeProblem> Problems { get; }

    public Curated.CuratedData Curated { get; }

    /// <summary>The documents' anchored sections (procedures), by anchor, in each language.</summary>
    public IReadOnlyDictionary<string, Localized<Resolution>> Procedures { get; init; } = new Dictionary<string, Localized<Resolution>>();

    /// <summary>Languages any document or alias covers.</summary>
    public IEnumerable<string> Locales => Symptoms.SelectMany(s => s.Causes).SelectMany(c => c.Message.Locales).Distinct(StringComparer.OrdinalIgnoreCase);

    /// <summary>The rows of common-causes tables, for the "check these first" list.</summary>
    public IEnumerable<Cause> CommonCauses => Symptoms.SelectMany(s => s.Causes).Where(c => c.Kind == EntryKind.CommonCause);

    public Symptom? Find(string id) => _byId.GetValueOrDefault(id);

    public Symptom this[string id] => _byId[id];
}
