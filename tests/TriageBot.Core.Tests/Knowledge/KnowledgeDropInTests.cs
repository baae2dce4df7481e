using TriageBot.Core.Knowledge;
using TriageBot.Core.Knowledge.Parsing;
using TriageBot.Core.Matching;

namespace TriageBot.Core.Tests.Knowledge;

/// <summary>
/// Documents dropped into knowledge/ extend the catalog with no code change. Each test writes its
/// own documents into a scratch copy of knowledge/.
/// </summary>
public sealed class KnowledgeDropInTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "triagebot-knowledge-" + Guid.NewGuid().ToString("N"));

    public KnowledgeDropInTests()
    {
        foreach (var file in Directory.EnumerateFiles(RepositoryPaths.Knowledge, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(_folder, Path.GetRelativePath(RepositoryPaths.Knowledge, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string EnglishAdminArticle => File.ReadAllText(Path.Combine(_folder, "articles", "sfb-sign-in-errors-admins.en-us.md"));

    private void Write(string name, string text) => File.WriteAllText(Path.Combine(_folder, "articles", name), text);

    [Fact]
    public void Build_PlainTranslatedMarkdown_AttachesByTablePosition()
    {
        var french = EnglishAdminArticle
            .Replace("localization_priority: Priority", "localization_priority: Priority\nms.contentlocale: fr-FR")
            .Replace("|Sign-in address not found  <br/> |", "|Adresse de connexion introuvable  <br/> |")
            .Replace("Add a firewall entry for msoidsvc.exe to your proxy server", "Ajouter une entrée de pare-feu pour msoidsvc.exe");
        Write("sfb-sign-in-errors-admins.fr-fr.md", french);

        var catalog = CatalogBuilder.Build(_folder);

        Assert.Empty(catalog.Problems);
        var symptom = catalog.Symptoms.Single(s => s.Causes.Any(c => c.Message.English.Plain == "Sign-in address not found"));
        var cause = symptom.Causes.Single(c => c.Message.Has("fr-fr"));
        Assert.Equal("Adresse de connexion introuvable", cause.Message.Get("fr-fr").Plain);
        Assert.Equal("Ajouter une entrée de pare-feu pour msoidsvc.exe", cause.Resolution.Get("fr-fr").Title.Plain);
        Assert.EndsWith("fr-fr.md", cause.Message.SourceOf("fr-fr").File);

        var result = new ErrorMatcher(catalog).Match("Erreur : adresse de connexion introuvable");
        Assert.Equal(symptom, result.Top?.Symptom);
    }

    [Fact]
    public void Build_SpanPairCopyOfANewLanguage_AttachesByItsEnglishView()
    {
        var japanese = File.ReadAllText(Path.Combine(_folder, "articles", "sfb-sign-in-errors-admins.zh-cn.md"))
            .Replace("ms.contentlocale: zh-CN", "ms.contentlocale: ja-JP")
            .Replace(">找不到的登录地址<", ">サインイン アドレスが見つかりません<");
        Write("sfb-sign-in-errors-admins.ja-jp.md", japanese);

        var catalog = CatalogBuilder.Build(_folder);

        var cause = catalog.Symptoms.SelectMany(s => s.Causes).Single(c => c.Message.English.Plain == "Sign-in address not found");
        Assert.Equal("サインイン アドレスが見つかりません", cause.Message.Get("ja-jp").Plain);
        Assert.Equal("找不到的登录地址", cause.Message.Get("zh-cn").Plain);
    }

    [Fact]
    public void Build_AnotherTroubleshootingArticle_AddsItsErrorsAndProcedures()
    {
        Write("teams-sign-in.en-us.md", """
            ---
            title: Troubleshoot Teams desktop sign-in errors
            ---
            # Troubleshoot Teams desktop sign-in errors

            ## Error codes

            | Error message | Cause | Resolution |
            |-|-|-|
            | We couldn't refresh your token cache (0xCAA20003) | The cached tokens are corrupt. | [Clear the token cache](teams-sign-in.md#clear-cache) |
            | Your organization requires device compliance for this app | The device is not compliant. | Ask an admin to check the device in Intune. |

            ## Clear the token cache
            <a name="clear-cache"> </a>

            1. Quit Teams.
            2. Delete the folder **%appdata%\Microsoft\Teams**.
            3. Start Teams and sign in.
            """);

        var catalog = CatalogBuilder.Build(_folder);

        Assert.Empty(catalog.Problems);
        var token = catalog.Symptoms.Single(s => s.Causes.Any(c => c.Message.English.Plain.StartsWith("We couldn't refresh your token cache", StringComparison.Ordinal)));
        var steps = token.Causes.Single().Resolution.English.Blocks.OfType<ListBlock>().Single();
        Assert.Equal(["Quit Teams.", "Delete the folder %appdata%\\Microsoft\\Teams.", "Start Teams and sign in."], steps.Items.Select(i => i.Text.Plain));
        Assert.Equal("Clear the token cache", token.Causes.Single().Resolution.English.Title.Plain);

        var matcher = new ErrorMatcher(catalog);
        Assert.Equal(token, matcher.Match("teams says: We couldnt refresh your token cache 0xCAA20003").Top?.Symptom);
        Assert.NotEqual(token, matcher.Match("Sign-in address not found").Top?.Symptom);
    }

    [Fact]
    public void Build_TranslationWithDifferentTable_IsReportedAndTheRestLoads()
    {
        var lines = EnglishAdminArticle.Replace("localization_priority: Priority", "localization_priority: Priority\nms.contentlocale: fr-FR").Split('\n').ToList();
        var row = lines.FindIndex(l => l.StartsWith("| Forgotten password", StringComparison.Ordinal));
        lines.Insert(row, lines[row].Replace("Forgotten password", "Mot de passe oublié"));
        var broken = string.Join('\n', lines);
        Write("sfb-sign-in-errors-admins.fr-fr.md", broken);

        var catalog = CatalogBuilder.Build(_folder);

        var problem = Assert.Single(catalog.Problems);
        Assert.Equal("articles/sfb-sign-in-errors-admins.fr-fr.md", problem.File);
        Assert.Contains("rows", problem.Reason);
        Assert.Equal(SharedCatalog.Catalog.Symptoms.Count, catalog.Symptoms.Count);
    }

    [Fact]
    public void Build_UnparsableAndEmptyDocuments_AreReportedByFileName()
    {
        Write("broken.md", "---\ntitle: [oops\n---\n# x\n");
        Write("empty.md", "   \n");
        Write("notes.md", "# Just notes\n\nNo tables here.\n");

        var catalog = CatalogBuilder.Build(_folder);

        Assert.Contains(catalog.Problems, p => p.File == "articles/broken.md" && p.Reason.Contains("front matter"));
        Assert.Contains(catalog.Problems, p => p.File == "articles/empty.md" && p.Reason.Contains("empty"));
        Assert.Contains(catalog.Problems, p => p.File == "articles/notes.md" && p.Reason.Contains("no error-message table"));
        Assert.NotEmpty(catalog.Symptoms);
    }

    [Fact]
    public void Build_CuratedFileWithYamlError_IsReportedWithItsLine()
    {
        File.WriteAllText(Path.Combine(_folder, "curated", "zz-bad.yaml"), "aliases:\n  x:\n    en: [unclosed\n");

        var catalog = CatalogBuilder.Build(_folder);

        Assert.Contains(catalog.Problems, p => p.File.EndsWith("zz-bad.yaml", StringComparison.Ordinal) && p.Reason.StartsWith("line ", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_AliasesForUnknownSymptom_AreReported()
    {
        File.WriteAllText(Path.Combine(_folder, "curated", "zz-extra.yaml"), "aliases:\n  no-such-symptom:\n    en: [hello]\n");

        var catalog = CatalogBuilder.Build(_folder);

        Assert.Contains(catalog.Problems, p => p.Reason.Contains("no-such-symptom"));
    }

    [Fact]
    public void Build_EvidenceNamingUnknownConceptsOrSymptoms_IsReported()
    {
        File.WriteAllText(Path.Combine(_folder, "curated", "zz-evidence.yaml"),
            "evidence:\n  forgotten-password:\n    - [no-such-concept, password]\n  no-such-symptom:\n    - [password]\n");

        var catalog = CatalogBuilder.Build(_folder);

        Assert.Contains(catalog.Problems, p => p.File.EndsWith("zz-evidence.yaml", StringComparison.Ordinal) && p.Reason.Contains("'no-such-concept'"));
        Assert.Contains(catalog.Problems, p => p.Reason.Contains("evidence") && p.Reason.Contains("'no-such-symptom'"));
    }

    // Keys that name a concept: an unknown one is reported with its file and left out, the rest still loads.
    [Theory]
    [InlineData("patterns:\n  no-such-concept: ['x@y']\n")]
    [InlineData("negatable: [no-such-concept]\n")]
    public void Build_ConceptKeyNamingAnUnknownConcept_IsReported(string yaml)
    {
        File.WriteAllText(Path.Combine(_folder, "curated", "zz-concept-key.yaml"), yaml);

        var catalog = CatalogBuilder.Build(_folder);

        Assert.Contains(catalog.Problems, p => p.File.EndsWith("zz-concept-key.yaml", StringComparison.Ordinal) && p.Reason.Contains("'no-such-concept'"));
        Assert.DoesNotContain(catalog.Curated.ConceptPatterns, p => p.Concept == "no-such-concept");
        Assert.DoesNotContain("no-such-concept", catalog.Curated.NegatableConcepts);
        Assert.NotEmpty(catalog.Symptoms);
    }

    // An empty item in a curated list (a stray "-" or "") is no word: it loads, and matches nothing rather than every paste.
    [Theory]
    [InlineData("offTopic:\n  - \n  - \"\"\n")]
    [InlineData("offTopicIntents:\n  - \"\"\nquestions:\n  -\n")]
    [InlineData("instructions:\n  - \" \"\nproductWorks:\n  -\n")]
    [InlineData("concepts:\n  licence:\n    en:\n      -\n      - \"\"\nstopWords:\n  en:\n    -\n")]
    public void Build_BlankItemsInCuratedLists_AreNoWords(string yaml)
    {
        File.WriteAllText(Path.Combine(_folder, "curated", "zz-blank.yaml"), yaml);

        var catalog = CatalogBuilder.Build(_folder);
        var result = new ErrorMatcher(catalog).Match("Skype for Business says: Sign-in address not found");

        Assert.Empty(catalog.Problems);
        Assert.Equal(MatchDecision.Match, result.Decision);
        Assert.Equal("Sign-in address not found", result.Top!.Message);
    }

    [Fact]
    public void Match_CuratedConceptSet_FindsItsSymptomInWordsNoPhrasingHas()
    {
        const string paste = "Skype for Business: the frobnicator wibbles, cannot sign in";
        var before = new ErrorMatcher(CatalogBuilder.Build(_folder)).Match(paste);
        File.WriteAllText(Path.Combine(_folder, "curated", "zz-concepts.yaml"),
            "concepts:\n  frob:\n    en: [frobnicator]\n  wibble:\n    en: [wibbles, wobbles]\n" +
            "evidence:\n  forgotten-password:\n    - [frob, wibble]\n");

        var matcher = new ErrorMatcher(CatalogBuilder.Build(_folder));
        var after = matcher.Match(paste);

        Assert.NotEqual("forgotten-password", before.Top?.SymptomId);
        Assert.NotEqual(MatchDecision.None, after.Decision);
        Assert.Equal("forgotten-password", after.Top!.SymptomId);
        // One concept alone is no set, and a paste that does not name the product gets no concept evidence.
        Assert.NotEqual("forgotten-password", matcher.Match("Skype for Business: the frobnicator broke, cannot sign in").Top?.SymptomId);
        Assert.NotEqual("forgotten-password", matcher.Match("the frobnicator wibbles, cannot sign in").Top?.SymptomId);
    }

    [Fact]
    public void Build_NoUsableDocument_IsAStartUpError()
    {
        foreach (var file in Directory.EnumerateFiles(Path.Combine(_folder, "articles")))
        {
            File.Delete(file);
        }
        Write("notes.md", "# Nothing to see\n");

        var ex = Assert.Throws<CatalogException>(() => CatalogBuilder.Build(_folder));

        Assert.Contains("empty", ex.Message);
        Assert.Contains(ex.Problems, p => p.File == "articles/notes.md");
    }

    [Fact]
    public void Build_MissingFolder_IsAStartUpError()
    {
        var ex = Assert.Throws<CatalogException>(() => CatalogBuilder.Build(Path.Combine(_folder, "nope")));

        Assert.Contains("not found", ex.Message);
    }
}
