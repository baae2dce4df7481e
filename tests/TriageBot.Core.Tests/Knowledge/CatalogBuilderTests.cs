using TriageBot.Core.Knowledge;
using TriageBot.Core.Knowledge.Parsing;

namespace TriageBot.Core.Tests.Knowledge;

/// <summary>The catalog built from the real documents in knowledge/.</summary>
public sealed class CatalogBuilderTests
{
    private static Catalog Catalog => SharedCatalog.Catalog;

    private static Symptom SymptomWith(string englishMessage) =>
        Catalog.Symptoms.Single(s => s.Causes.Any(c => c.Message.English.Plain == englishMessage));

    [Fact]
    public void Build_RealKnowledge_LoadsEveryDocumentWithoutProblems()
    {
        Assert.Empty(Catalog.Problems);
        Assert.Equal(5, Catalog.Documents.Count);
        Assert.Equal(["de-de", "en-us", "zh-cn", "zh-tw"], Catalog.Documents.Select(d => d.Locale).Distinct().Order());
    }

    [Fact]
    public void Build_RealKnowledge_HasARowForEveryDocumentedTableRow()
    {
        var causes = Catalog.Symptoms.SelectMany(s => s.Causes).ToList();

        // 8 common causes + 6 Enterprise rows in the admin article, 10 rows in the KB.
        Assert.Equal(8, causes.Count(c => c.Kind == EntryKind.CommonCause));
        Assert.Equal(16, causes.Count(c => c.Kind == EntryKind.ErrorMessage));
        Assert.Equal(6, causes.Count(c => c.Source.File.Contains("admins") && c.Kind == EntryKind.ErrorMessage));
        Assert.Equal(10, causes.Count(c => c.Source.File.Contains("kb2541980")));
    }

    [Fact]
    public void Build_SignInAddressNotFound_IsOneSymptomWithBothDocumentsCauses()
    {
        var symptom = SymptomWith("Sign-in address not found");

        Assert.Contains(symptom.Causes, c => c.Text.English.Plain.Contains("msoidsvc.exe") && c.Source.File.Contains("admins"));
        Assert.Contains(symptom.Causes, c => c.Text.English.Plain.Contains("isn't licensed") && c.Source.File.Contains("kb2541980"));
        Assert.Contains(symptom.Causes, c => c.Message.English.Plain == "Sign-in address was not found.");
    }

    [Fact]
    public void Build_ServerTemporarilyUnavailable_HasDnsAdfsAndAutoDiscoverCausesWithConditions()
    {
        var symptom = SymptomWith("Server is temporarily unavailable");

        Assert.Equal(3, symptom.Causes.Count);
        var dns = symptom.Causes.Single(c => c.Conditions.Contains("custom-domain"));
        Assert.Contains("plan-e", dns.Conditions);
        Assert.Equal("Update DNS settings", dns.Resolution.English.Title.Plain);
        var adfs = symptom.Causes.Single(c => c.Conditions.Contains("adfs-sso"));
        Assert.Equal("Install a third-party SSL certificate on your ADFS server", adfs.Resolution.English.Title.Plain);
        var kb = symptom.Causes.Single(c => c.Source.File.Contains("kb2541980"));
        Assert.Contains("AutoDiscover", CatalogText(kb.Resolution.English));
        Assert.Equal("network", kb.Category);
        Assert.Empty(kb.Conditions);
    }

    [Fact]
    public void Build_ProcedureResolution_KeepsNumberedStepsAndTheTableInsideIt()
    {
        var firewall = SymptomWith("Sign-in address not found").Causes.Single(c => c.Text.English.Plain.Contains("msoidsvc.exe"));
        var resolution = firewall.Resolution.English;

        var steps = resolution.Blocks.OfType<ListBlock>().Single(l => l.Ordered);
        Assert.Equal(4, steps.Items.Count);
        Assert.StartsWith("In the Forefront left pane", steps.Items[0].Text.Plain);
        var table = resolution.Blocks.OfType<TableBlock>().Single();
        Assert.Equal(["Application", "Key", "Value"], table.Header.Select(h => h.Plain));
        Assert.Equal(["msoidsvc", "DisableEx", "0"], table.Rows[1].Select(c => c.Plain));
        Assert.Contains(firewall.KbLinks, k => k.Number == "2409256");
    }

    [Fact]
    public void Build_RepeatedNavigationParagraph_IsNotPartOfAProcedure()
    {
        var sip = SymptomWith("User is not SIP enabled").Causes.Single();

        Assert.DoesNotContain("start by eliminating the most common causes", CatalogText(sip.Resolution.English));
        Assert.Contains("msRTCSIP-UserEnabled", CatalogText(sip.Resolution.English));
    }

    [Fact]
    public void Build_LocalizedCopies_AttachTheirOwnTextAndSource()
    {
        var dns = SymptomWith("Server is temporarily unavailable").Causes.Single(c => c.Conditions.Contains("custom-domain"));

        Assert.Equal("服务器当前不可用", dns.Message.Get("zh-cn").Plain);
        Assert.Equal("伺服器暫時無法使用", dns.Message.Get("zh-tw").Plain);
        Assert.EndsWith("zh-tw.md", dns.Message.SourceOf("zh-tw").File);
        // Each copy is its own source: the copies disagree on the CNAME target.
        Assert.Contains("sipdir.online.lync.com", CatalogText(dns.Resolution.Get("en-us")));
        Assert.Contains("sipdir.online.microsoft.com", CatalogText(dns.Resolution.Get("zh-cn")));
        Assert.Contains("sipdir.online.lync.com", CatalogText(dns.Resolution.Get("zh-tw")));
        Assert.Contains("更新 DNS 設定", dns.Resolution.Get("zh-tw").Title.Plain);
    }

    [Fact]
    public void Build_LocaleWithoutDocument_FallsBackToEnglish()
    {
        var kbOnly = SymptomWith("To sign in, additional software is required. Download and install now?").Causes.Single();

        Assert.Equal(kbOnly.Message.English, kbOnly.Message.Get("zh-cn"));
        Assert.Equal("en-us", kbOnly.Message.LocaleOf("fr-fr"));
    }

    [Fact]
    public void Build_CommonCauseQuotingAMessage_UsesTheQuotedPhraseAndMergesWithItsProcedure()
    {
        var trust = SymptomWith("A certificate trust dialog box appears when a user signs in for the first time.");

        Assert.Contains(trust.Causes, c => c.Kind == EntryKind.CommonCause && c.Message.English.Plain == "cannot verify that the server is trusted for your sign-in address. Connect anyway?");
        Assert.Contains(trust.RelatedKb, k => k.Number == "2531068");
    }

    [Fact]
    public void Build_PersonalCertificate_MergesCommonEnterpriseAndKbRows()
    {
        var symptom = SymptomWith("There was a problem acquiring a personal certificate required to sign in. If the problem continues, please contact your support team.");

        Assert.Equal(3, symptom.Causes.Count);
        Assert.Contains(symptom.Causes, c => c.Conditions.Contains("cached-data-removed"));
        Assert.Contains(symptom.Causes, c => c.Kind == EntryKind.CommonCause && CatalogText(c.Resolution.English).Contains("Delete my sign-in info"));
    }

    [Fact]
    public void Build_CuratedMerge_JoinsClockRows()
    {
        var clock = SymptomWith("System clock out of sync with server clock");

        Assert.Contains(clock.Causes, c => c.Message.English.Plain.StartsWith("Cannot sign in to Lync because your computer clock", StringComparison.Ordinal));
        Assert.Equal("system-clock-out-of-sync", clock.Id);
    }

    [Fact]
    public void Build_KbCategoriesTable_GivesFourCategories()
    {
        Assert.Equal(["authentication", "client", "network", "service"], Catalog.Categories.Select(c => c.Key).Order());
        Assert.All(Catalog.Symptoms.SelectMany(s => s.Causes).Select(c => c.Category).OfType<string>(), key => Assert.Contains(Catalog.Categories, c => c.Key == key));
        Assert.Contains(Catalog.Categories, c => c.Name.Plain == "Networking issues" && c.PossibleCauses.Plain.Contains("AutoDiscover"));
    }

    [Fact]
    public void Build_SymptomIds_AreUniqueSlugs()
    {
        var ids = Catalog.Symptoms.Select(s => s.Id).ToList();

        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Matches("^[a-z0-9]+(-[a-z0-9]+)*$", id));
    }

    [Fact]
    public void Build_AnchoredSections_AreProceduresInEachLanguage()
    {
        var collect = Catalog.Procedures["collect-more-information"];

        Assert.Equal("Collect more information and seek additional help", collect.English.Title.Plain);
        Assert.Contains("MOSDAL", CatalogText(collect.English));
        Assert.Contains("收集", collect.Get("zh-cn").Title.Plain);
    }

    internal static string CatalogText(Resolution resolution) =>
        string.Join("\n", DocBlocks.Texts(resolution.Blocks).Select(t => t.Plain));
}
