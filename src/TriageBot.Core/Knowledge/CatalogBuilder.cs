using System.Text.RegularExpressions;
using TriageBot.Core.Knowledge.Curated;
using TriageBot.Core.Knowledge.Parsing;
using TriageBot.Core.Matching;

namespace TriageBot.Core.Knowledge;

/// <summary>The catalog could not be built at all (no usable document).</summary>
public sealed class CatalogException(string message, IReadOnlyList<KnowledgeProblem> problems) : Exception(message)
{
    public IReadOnlyList<KnowledgeProblem> Problems { get; } = problems;
}

/// <summary>
/// Builds the <see cref="Catalog"/> by reading the documents: it recognises error-message tables,
/// common-causes tables and category tables by their headers, follows each resolution link to its
/// procedure, attaches the localized copies of an article to the same rows (span pairs by their
/// English text, plain translations by table position), and merges rows that document the same
/// message into one symptom.
/// </summary>
public static partial class CatalogBuilder
{
    private static readonly string[] DocumentExtensions = [".md", ".markdown", ".txt"];

    /// <summary>Builds from a <c>knowledge/</c> folder: documents anywhere below it, curated data in <c>curated/</c>.</summary>
    public static Catalog Build(string knowledgeFolder)
    {
        if (!Directory.Exists(knowledgeFolder))
        {
            throw new CatalogException($"knowledge folder not found: {Path.GetFullPath(knowledgeFolder)}", []);
        }
        var problems = new List<KnowledgeProblem>();
        var curated = CuratedData.Load(Path.Combine(knowledgeFolder, "curated"), problems);
        var files = Directory.EnumerateFiles(knowledgeFolder, "*", SearchOption.AllDirectories)
            .Where(p => DocumentExtensions.Contains(Path.GetExtension(p), StringComparer.OrdinalIgnoreCase))
            .Where(p => !Path.GetRelativePath(knowledgeFolder, p).StartsWith("curated", StringComparison.OrdinalIgnoreCase))
            .Where(p => !Path.GetFileName(p).StartsWith("NOTICE", StringComparison.OrdinalIgnoreCase)
                        && !Path.GetFileName(p).StartsWith("README", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .Select(p => (Path.GetRelativePath(knowledgeFolder, p).Replace('\\', '/'), File.ReadAllText(p)));
        return Build(files, curated, problems);
    }

    /// <summary>Builds from documents given as (file name, text). Problems found are added to the catalog's list.</summary>
    public static Catalog Build(IEnumerable<(string FileName, string Text)> documents, CuratedData curated, List<KnowledgeProblem>? problems = null)
    {
        problems ??= [];
        var parsed = new List<SourceDocument>();
        foreach (var (name, text) in documents)
        {
            try
            {
                if (string.IsNullOrWhiteSpace(text))
                {
                    throw new KnowledgeFormatException(name, "the file is empty");
                }
                parsed.Add(SourceDocument.Parse(name, text));
            }
            catch (KnowledgeFormatException ex)
            {
                problems.Add(new KnowledgeProblem(ex.FileName, ex.Reason));
            }
        }

        var tokenizer = new Tokenizer(curated);
        var rows = new List<Row>();
        var categories = new List<Category>();
        var relatedKb = new List<KbLink>();
        var loaded = new List<LoadedDocument>();
        var procedures = new Dictionary<string, Localized<Resolution>>(StringComparer.OrdinalIgnoreCase);

        foreach (var group in parsed.GroupBy(d => d.Identity))
        {
            var primary = group.FirstOrDefault(d => d.IsEnglish && !d.IsSpanPair) ?? group.FirstOrDefault(d => d.IsSpanPair);
            if (primary is null)
            {
                foreach (var d in group)
                {
                    problems.Add(new KnowledgeProblem(d.FileName,
                        $"a {d.Locale} translation without span pairs needs the English article it translates in knowledge/ (same ms.assetid or file name)"));
                }
                continue;
            }
            var english = MarkdownArticleParser.Parse(primary.EnglishBody ?? primary.Body);
            var groupRows = ExtractRows(primary, english, curated, categories, relatedKb, problems);
            if (groupRows.Count == 0)
            {
                problems.Add(new KnowledgeProblem(primary.FileName, "no error-message table or common-causes table was found (a table needs an 'Error message' or 'Cause' column and a 'Resolution' column)"));
                continue;
            }
            rows.AddRange(groupRows);
            loaded.Add(new LoadedDocument(primary.FileName, primary.Title, "en-us", primary.Identity, true, groupRows.Count));
            AddProcedures(procedures, english, primary, "en-us");

            foreach (var doc in group.Where(d => !ReferenceEquals(d, primary)))
            {
                try
                {
                    var count = Localize(doc, english, groupRows);
                    AddProcedures(procedures, MarkdownArticleParser.Parse(doc.Body), doc, doc.Locale);
                    loaded.Add(new LoadedDocument(doc.FileName, doc.Title, doc.Locale, doc.Identity, false, count));
                }
                catch (KnowledgeFormatException ex)
                {
                    problems.Add(new KnowledgeProblem(ex.FileName, ex.Reason));
                }
            }
        }

        var symptoms = Cluster(rows, tokenizer, curated, problems);
        if (symptoms.Count == 0)
        {
            var detail = problems.Count == 0 ? "no documents" : string.Join("; ", problems);
            throw new CatalogException($"the knowledge catalog is empty: {detail}", problems);
        }

        foreach (var (what, keys) in new[] { ("aliases", curated.Aliases.Keys), ("evidence", curated.Evidence.Keys) })
        {
            foreach (var id in keys.Where(id => symptoms.All(s => !s.Id.Equals(id, StringComparison.OrdinalIgnoreCase))))
            {
                problems.Add(new KnowledgeProblem("curated", $"{what} name an unknown symptom id '{id}' (known: {string.Join(", ", symptoms.Select(s => s.Id))})"));
            }
        }

        var catalog = new Catalog(symptoms, categories, loaded, problems, curated) { Procedures = procedures };
        AttachRelatedKb(catalog, relatedKb);
        return catalog;
    }

    /// <summary>A documented row while the catalog is being built.</summary>
    private sealed class Row
    {
        public required string Identity { get; init; }
        public required EntryKind Kind { get; init; }
        public required int TableOrdinal { get; init; }
        public required int RowIndex { get; init; }
        public required Columns Columns { get; init; }
        public required int MessageBold { get; init; }
        public required int MessageColumn { get; init; }
        public required string? ProcedureAnchor { get; init; }
        public required string? Category { get; init; }
        public required List<string> Conditions { get; init; }
        public required List<KbLink> KbLinks { get; init; }
        public required SourceRef Source { get; init; }
        public Localized<RichText> Message { get; } = new();
        public Localized<RichText> Cause { get; } = new();
        public Localized<Resolution> Resolution { get; } = new();
        public RichText EnglishMessage => Message.English;
    }

    private sealed record Columns(int Message, int Cause, int Resolution, int Type, RichText ResolutionHeader);

    private static List<Row> ExtractRows(SourceDocument doc, ParsedArticle article, CuratedData curated, List<Category> categories, List<KbLink> relatedKb, List<KnowledgeProblem> problems)
    {
        var rows = new List<Row>();
        var firstCategory = categories.Count;
        var boilerplate = Boilerplate(article);
        foreach (var section in article.Sections)
        {
            foreach (var list in section.Blocks.OfType<Parsing.ListBlock>())
            {
                relatedKb.AddRange(list.Items.Select(KbFromListItem).OfType<KbLink>());
            }
        }
        foreach (var (section, table) in article.Tables)
        {
            var header = table.Header.Select(h => h.Plain.ToLowerInvariant()).ToArray();
            var source = new SourceRef(doc.FileName, doc.Title, "en-us", section.Heading.Plain, section.Anchors.FirstOrDefault());
            int Col(Func<string, bool> test) => Array.FindIndex(header, h => test(h));
            var category = Col(h => h == "category");
            if (category >= 0)
            {
                var issue = Col(h => h.Contains("issue"));
                var causes = Col(h => h.Contains("cause"));
                categories.AddRange(table.Rows.Where(r => r.Count > category).Select(r => new Category(
                    CategoryKey(r[category].Plain), r[category], issue >= 0 && issue < r.Count ? r[issue] : RichText.Empty,
                    causes >= 0 && causes < r.Count ? r[causes] : RichText.Empty, source)));
                continue;
            }
            var columns = new Columns(
                Col(h => h.Contains("error message") || h is "error" or "message" or "symptom" or "error text"),
                Col(h => h.Contains("cause") || h.Contains("reason")),
                Col(h => h.Contains("resolution") || h.Contains("solution") || h.Contains("workaround") || h == "fix"),
                Col(h => h == "type"),
                RichText.Empty);
            if (columns.Resolution < 0 || (columns.Message < 0 && columns.Cause < 0))
            {
                continue;
            }
            columns = columns with { ResolutionHeader = table.Header[columns.Resolution] };
            var kind = columns.Message >= 0 ? EntryKind.ErrorMessage : EntryKind.CommonCause;
            for (var r = 0; r < table.Rows.Count; r++)
            {
                var cells = table.Rows[r];
                if (cells.Count < table.Header.Count)
                {
                    problems.Add(new KnowledgeProblem(doc.FileName, $"table '{string.Join(" | ", header)}' row {r + 1} has {cells.Count} cells, expected {table.Header.Count}; row skipped"));
                    continue;
                }
                var (messageColumn, bold) = kind == EntryKind.ErrorMessage ? (columns.Message, -1) : QuotedMessage(cells, columns);
                var message = MessageText(cells[messageColumn], bold);
                if (message.IsEmpty)
                {
                    continue;
                }
                var cause = columns.Cause >= 0 ? cells[columns.Cause] : RichText.Empty;
                var resolution = ResolveCell(cells[columns.Resolution], columns.ResolutionHeader, article, boilerplate, out var anchor);
                var row = new Row
                {
                    Identity = doc.Identity,
                    Kind = kind,
                    TableOrdinal = table.Ordinal,
                    RowIndex = r,
                    Columns = columns,
                    MessageBold = bold,
                    MessageColumn = messageColumn,
                    ProcedureAnchor = anchor,
                    Category = columns.Type >= 0 && cells[columns.Type].Plain.Length > 0 ? CategoryKey(cells[columns.Type].Plain) : null,
                    Conditions = curated.Conditions
                        .Where(c => (c.Section?.IsMatch(section.Heading.Plain) ?? false) || (c.Cause?.IsMatch(cause.Plain) ?? false))
                        .Select(c => c.Id).ToList(),
                    KbLinks = KbLinks(cells[columns.Resolution], resolution.Blocks),
                    Source = resolution.Anchor is { } a ? source with { Anchor = a } : source,
                };
                row.Message.Set("en-us", message, source);
                row.Cause.Set("en-us", cause, source);
                row.Resolution.Set("en-us", resolution, source);
                rows.Add(row);
            }
        }

        // A categories table names categories in full ("Networking issues"); the error table's
        // Type column in short ("Network"): key each category by the type that names it.
        var types = rows.Select(r => r.Category).OfType<string>().Distinct().ToList();
        for (var i = firstCategory; i < categories.Count; i++)
        {
            var words = WordRegex().Matches(categories[i].Name.Plain.ToLowerInvariant()).Select(m => m.Value).ToList();
            if (types.FirstOrDefault(t => words.Any(w => w.StartsWith(t, StringComparison.Ordinal))) is { } type)
            {
                categories[i] = categories[i] with { Key = type };
            }
        }
        return rows;
    }

    /// <summary>
    /// A common-causes row names what the user sees either as its cause text or, where the document
    /// quotes the message ("contains the following phrase: **...**"), as that quoted phrase.
    /// </summary>
    private static (int Column, int Bold) QuotedMessage(IReadOnlyList<RichText> cells, Columns columns)
    {
        foreach (var column in new[] { columns.Cause, columns.Resolution })
        {
            var text = cells[column];
            for (var b = 0; b < text.Bold.Count; b++)
            {
                var at = text.Plain.IndexOf(text.Bold[b], StringComparison.Ordinal);
                if (at > 0 && QuoteLeadRegex().IsMatch(text.Plain[Math.Max(0, at - 40)..at]))
                {
                    return (column, b);
                }
            }
        }
        return (columns.Cause, -1);
    }

    private static RichText MessageText(RichText cell, int bold)
    {
        if (bold >= 0 && bold < cell.Bold.Count)
        {
            return new RichText(cell.Bold[bold], cell.Bold[bold], [], []);
        }
        var plain = cell.Plain.Replace('\n', ' ').Trim();
        return new RichText(plain, plain, cell.Bold, cell.Links);
    }

    private static Resolution ResolveCell(RichText cell, RichText header, ParsedArticle article, HashSet<string> boilerplate, out string? anchor)
    {
        anchor = null;
        var procedures = cell.Links
            .Select(l => (Link: l, Section: AnchorOf(l.Url) is { } a ? article.FindSection(a) : null))
            .Where(x => x.Section is not null)
            .ToList();
        if (procedures.Count > 0)
        {
            anchor = AnchorOf(procedures[0].Link.Url);
        }
        var linkOnly = procedures.Count == 1 && cell.Plain.Trim() == procedures[0].Link.Text.Trim();
        if (linkOnly)
        {
            var section = procedures[0].Section!;
            return new Resolution(section.Heading, anchor, ProcedureBlocks(section, boilerplate));
        }
        var blocks = new List<DocBlock>();
        var plains = cell.Plain.Split('\n');
        var markdowns = cell.Markdown.Split('\n');
        for (var i = 0; i < plains.Length; i++)
        {
            var plain = plains[i].Trim();
            if (plain.Length == 0)
            {
                continue;
            }
            var md = plains.Length == markdowns.Length ? markdowns[i].Trim() : plain;
            blocks.Add(new Parsing.ParagraphBlock(new RichText(plain, md,
                cell.Bold.Where(b => plain.Contains(b, StringComparison.Ordinal)).ToArray(),
                cell.Links.Where(l => plain.Contains(l.Text, StringComparison.Ordinal)).ToArray())));
        }
        foreach (var (_, section) in procedures)
        {
            blocks.Add(new NoteBlock("PROCEDURE", [new Parsing.ParagraphBlock(section!.Heading), .. ProcedureBlocks(section, boilerplate)]));
        }
        return new Resolution(header, anchor, blocks);
    }

    /// <summary>Every anchored section is a procedure the dialogs may point to (e.g. "collect more information").</summary>
    private static void AddProcedures(Dictionary<string, Localized<Resolution>> procedures, ParsedArticle article, SourceDocument doc, string locale)
    {
        var boilerplate = Boilerplate(article);
        foreach (var section in article.Sections.Where(s => s.Level > 1))
        {
            var source = new SourceRef(doc.FileName, doc.Title, locale, section.Heading.Plain, section.Anchors.FirstOrDefault());
            foreach (var anchor in section.Anchors)
            {
                if (!procedures.TryGetValue(anchor, out var localized))
                {
                    if (locale != "en-us")
                    {
                        continue;
                    }
                    procedures[anchor] = localized = new Localized<Resolution>();
                }
                if (!localized.Has(locale))
                {
                    localized.Set(locale, new Resolution(section.Heading, anchor, ProcedureBlocks(section, boilerplate)), source);
                }
            }
        }
    }

    private static IReadOnlyList<DocBlock> ProcedureBlocks(ArticleSection section, HashSet<string> boilerplate) =>
        section.Blocks.Where(b => b is not Parsing.ParagraphBlock p || !boilerplate.Contains(p.Text.Plain)).ToArray();

    /// <summary>Paragraphs a document repeats three times or more are navigation text, not part of a procedure.</summary>
    private static HashSet<string> Boilerplate(ParsedArticle article) =>
        article.Sections.SelectMany(s => s.Blocks.OfType<Parsing.ParagraphBlock>())
            .GroupBy(p => p.Text.Plain).Where(g => g.Count() >= 3).Select(g => g.Key).ToHashSet();

    private static string? AnchorOf(string url)
    {
        var hash = url.IndexOf('#');
        if (hash < 0)
        {
            return null;
        }
        var path = url[..hash];
        return path.Length == 0 || (!path.Contains("://") && path.EndsWith(".md", StringComparison.OrdinalIgnoreCase)) ? url[(hash + 1)..] : null;
    }

    private static string CategoryKey(string text)
    {
        var word = WordRegex().Match(text.ToLowerInvariant());
        return word.Success ? word.Value : text.Trim().ToLowerInvariant();
    }

    private static List<KbLink> KbLinks(RichText cell, IEnumerable<DocBlock> blocks)
    {
        var links = new List<DocLink>(cell.Links);
        foreach (var text in DocBlocks.Texts(blocks))
        {
            links.AddRange(text.Links);
        }
        return links.Select(l => KbNumberRegex().Match(l.Url) is { Success: true } m ? new KbLink(m.Groups[1].Value, l.Text, l.Url) : null)
            .OfType<KbLink>().DistinctBy(k => k.Number).ToList();
    }

    /// <summary>A list item such as "[2531068](https://support.microsoft.com/help/2531068) Title" names a related KB article.</summary>
    private static KbLink? KbFromListItem(Parsing.ListItem item)
    {
        if (item.Text.Links.Count == 0 || !item.Text.Plain.StartsWith(item.Text.Links[0].Text, StringComparison.Ordinal))
        {
            return null;
        }
        var link = item.Text.Links[0];
        if (!KbNumberRegex().Match(link.Url).Success || !link.Text.All(char.IsAsciiDigit))
        {
            return null;
        }
        var title = item.Text.Plain[link.Text.Length..].Trim();
        return title.Length == 0 ? null : new KbLink(link.Text, title, link.Url);
    }

    /// <summary>
    /// Attaches the text of a localized copy to the rows of its English article. A span-pair copy
    /// finds each table by its own English header; a plain translation by table position.
    /// </summary>
    private static int Localize(SourceDocument doc, ParsedArticle primary, List<Row> rows)
    {
        var translated = MarkdownArticleParser.Parse(doc.Body);
        var ownEnglish = doc.EnglishBody is null ? null : MarkdownArticleParser.Parse(doc.EnglishBody);
        var translatedTables = translated.Tables.ToList();
        var englishTables = (ownEnglish ?? translated).Tables.ToList();
        var primaryTables = primary.Tables.ToList();
        if (translatedTables.Count != englishTables.Count)
        {
            throw new KnowledgeFormatException(doc.FileName, "the two sides of the span pairs do not have the same tables");
        }
        var boilerplate = Boilerplate(translated);
        var count = 0;
        foreach (var group in rows.GroupBy(r => r.TableOrdinal))
        {
            var primaryTable = primaryTables.First(t => t.Table.Ordinal == group.Key).Table;
            int index;
            if (ownEnglish is not null)
            {
                var header = string.Join("|", primaryTable.Header.Select(h => h.Plain));
                index = englishTables.FindIndex(t => string.Join("|", t.Table.Header.Select(h => h.Plain)).Equals(header, StringComparison.OrdinalIgnoreCase));
            }
            else
            {
                index = translatedTables.FindIndex(t => t.Table.Ordinal == group.Key);
            }
            if (index < 0)
            {
                throw new KnowledgeFormatException(doc.FileName, $"no table matches the English table '{string.Join(" | ", primaryTable.Header.Select(h => h.Plain))}' (table {group.Key + 1})");
            }
            var (section, table) = translatedTables[index];
            if (table.Rows.Count != primaryTable.Rows.Count)
            {
                throw new KnowledgeFormatException(doc.FileName, $"table {index + 1} has {table.Rows.Count} rows where the English article has {primaryTable.Rows.Count}");
            }
            var source = new SourceRef(doc.FileName, doc.Title, doc.Locale, section.Heading.Plain, section.Anchors.FirstOrDefault());
            foreach (var row in group)
            {
                var cells = table.Rows[row.RowIndex];
                if (cells.Count <= Math.Max(row.MessageColumn, row.Columns.Resolution))
                {
                    continue;
                }
                var message = MessageText(cells[row.MessageColumn], row.MessageBold);
                row.Message.Set(doc.Locale, message.IsEmpty ? MessageText(cells[row.MessageColumn], -1) : message, source);
                if (row.Columns.Cause >= 0)
                {
                    row.Cause.Set(doc.Locale, cells[row.Columns.Cause], source);
                }
                row.Resolution.Set(doc.Locale, ResolveCell(cells[row.Columns.Resolution], table.Header[row.Columns.Resolution], translated, boilerplate, out _), source);
                count++;
            }
        }
        return count;
    }

    /// <summary>
    /// Rows that document the same message become one symptom: one message contains the other's
    /// words, or both resolve through the same procedure. Curated merge groups join the rest.
    /// </summary>
    private static List<Symptom> Cluster(List<Row> rows, Tokenizer tokenizer, CuratedData curated, List<KnowledgeProblem> problems)
    {
        var parent = Enumerable.Range(0, rows.Count).ToArray();
        int Find(int i) => parent[i] == i ? i : parent[i] = Find(parent[i]);
        void Union(int a, int b) => parent[Find(a)] = Find(b);

        foreach (var sameProcedure in rows.Select((r, i) => (r, i)).Where(x => x.r.ProcedureAnchor is not null).GroupBy(x => (x.r.Identity, x.r.ProcedureAnchor)))
        {
            var first = sameProcedure.First().i;
            foreach (var (_, i) in sameProcedure.Skip(1))
            {
                Union(first, i);
            }
        }

        // Containment needs most of the shorter message's words in the longer one, so any such pair
        // shares one of the shorter message's rarest words (prefix filtering): probe only those.
        var words = rows.Select(r => tokenizer.ContentWords(r.EnglishMessage.Plain).ToHashSet()).ToArray();
        var postings = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < words.Length; i++)
        {
            foreach (var w in words[i])
            {
                (postings.TryGetValue(w, out var list) ? list : postings[w] = []).Add(i);
            }
        }
        for (var a = 0; a < words.Length; a++)
        {
            var size = words[a].Count;
            if (size < 3)
            {
                continue;
            }
            var prefix = size - (int)Math.Ceiling(ContainmentShare * size) + 1;
            foreach (var w in words[a].OrderBy(w => postings[w].Count).ThenBy(w => w, StringComparer.Ordinal).Take(prefix))
            {
                foreach (var b in postings[w])
                {
                    if (b != a && words[b].Count >= size && Find(a) != Find(b) && Contains(words[a], words[b]))
                    {
                        Union(a, b);
                    }
                }
            }
        }

        var groups = rows.Select((r, i) => (Row: r, Root: Find(i))).GroupBy(x => x.Root).Select(g => g.Select(x => x.Row).ToList()).ToList();
        var ids = new Dictionary<List<Row>, string>();
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var g in groups)
        {
            var name = g.Where(r => r.Kind == EntryKind.ErrorMessage).Select(r => r.EnglishMessage.Plain)
                .DefaultIfEmpty(g[0].EnglishMessage.Plain).MinBy(m => m.Length)!;
            var id = Slug(name);
            for (var n = 2; !used.Add(id); n++)
            {
                id = Slug(name) + "-" + n;
            }
            ids[g] = id;
        }

        foreach (var merge in curated.Merge)
        {
            var members = merge.Select(id => groups.FirstOrDefault(g => ids[g].Equals(id, StringComparison.OrdinalIgnoreCase))).ToList();
            var unknown = merge.Where((id, i) => members[i] is null).ToList();
            if (unknown.Count > 0)
            {
                problems.Add(new KnowledgeProblem("curated", $"merge names unknown symptom id(s) {string.Join(", ", unknown)}"));
                continue;
            }
            var into = members[0]!;
            foreach (var other in members.Skip(1).Where(m => !ReferenceEquals(m, into)))
            {
                into.AddRange(other!);
                groups.Remove(other!);
            }
        }

        return groups.Select(g =>
        {
            var id = ids[g];
            var causes = g.Select((r, n) => new Cause
            {
                Id = $"{id}/{n + 1}",
                Kind = r.Kind,
                Message = r.Message,
                Text = r.Cause.Locales.Any() && !r.Cause.English.IsEmpty ? r.Cause : r.Message,
                Resolution = r.Resolution,
                Category = r.Category,
                Conditions = r.Conditions,
                KbLinks = r.KbLinks,
                Source = r.Source,
            }).ToArray();
            return new Symptom
            {
                Id = id,
                Causes = causes,
                Aliases = curated.Aliases.GetValueOrDefault(id) ?? new Dictionary<string, IReadOnlyList<string>>(),
            };
        }).ToList();
    }

    private const double ContainmentShare = 0.85;

    private static bool Contains(HashSet<string> a, HashSet<string> b)
    {
        var (shorter, longer) = a.Count <= b.Count ? (a, b) : (b, a);
        if (shorter.Count < 3)
        {
            return false;
        }
        var shared = shorter.Count(longer.Contains);
        return shared >= ContainmentShare * shorter.Count;
    }

    internal static string Slug(string text)
    {
        var words = WordRegex().Matches(text.ToLowerInvariant().Replace("'", "").Replace("\u2019", ""))
            .Select(m => m.Value).Where(w => w is not ("a" or "an" or "the")).Take(5);
        var slug = string.Join("-", words);
        return slug.Length == 0 ? "symptom" : slug;
    }

    private static void AttachRelatedKb(Catalog catalog, List<KbLink> candidates)
    {
        if (candidates.Count == 0)
        {
            return;
        }
        var matcher = new ErrorMatcher(catalog);
        var related = new Dictionary<Symptom, List<KbLink>>();
        foreach (var kb in candidates.DistinctBy(k => k.Number))
        {
            var result = matcher.Match(kb.Title);
            if (result.Decision == MatchDecision.Match && result.Candidates[0].Score >= 70)
            {
                var symptom = catalog[result.Candidates[0].SymptomId];
                (related.TryGetValue(symptom, out var list) ? list : related[symptom] = []).Add(kb);
            }
        }
        foreach (var symptom in catalog.Symptoms)
        {
            var own = symptom.Causes.SelectMany(c => c.KbLinks);
            symptom.RelatedKb = own.Concat(related.GetValueOrDefault(symptom) ?? []).DistinctBy(k => k.Number).ToArray();
        }
    }

    [GeneratedRegex(@"(?:phrase|message|text)\s*:?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex QuoteLeadRegex();

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex WordRegex();

    [GeneratedRegex(@"(?:kbid=|/help/|/kb/)(\d{5,8})", RegexOptions.IgnoreCase)]
    private static partial Regex KbNumberRegex();
}
