using TriageBot.Core.Knowledge.Curated;
using TriageBot.Core.Matching;

namespace TriageBot.Core.Tests.Matching;

public sealed class TokenizerTests
{
    private static readonly Tokenizer Tokenizer = new(new CuratedData
    {
        StopWords = new HashSet<string> { "the", "error", "同事" },
        ProductNames = ["skype for business", "商務用 Skype"],
        Synonyms = new Dictionary<string, IReadOnlyList<string>>
        {
            ["登录"] = ["登入", "登錄"],
            ["无法登录"] = ["登不進去"],
        },
    });

    [Fact]
    public void Tokens_ChineseSynonyms_AreReplacedLongestFirstBeforePairing()
    {
        Assert.Equal(["登录", "录位", "位址"], Tokenizer.Tokens("登入位址"));
        Assert.Equal(["还是", "是无", "无法", "法登", "登录"], Tokenizer.Tokens("还是登不進去"));
    }

    [Fact]
    public void Tokens_ChineseProductName_IsCutOutWithoutGluingItsNeighbours()
    {
        var tokens = Tokenizer.Tokens("沒有商務用 Skype Online 的授權");

        Assert.DoesNotContain("有商", tokens);
        Assert.DoesNotContain("商務", tokens);
        Assert.Contains("沒有", tokens);
        Assert.Contains("授權", tokens);
    }

    [Fact]
    public void Tokens_ChineseStopWord_IsCutOut()
    {
        Assert.Equal(["登录", "录位", "位址"], Tokenizer.Tokens("同事登入位址"));
    }

    /// <summary>The tokens <paramref name="tokenizer"/> keeps of <paramref name="text"/>, and the stop words it drops.</summary>
    private static (List<string> Tokens, List<string> Dropped) KeptAndDropped(Tokenizer tokenizer, string text)
    {
        var tokens = new List<string>();
        var dropped = new List<string>();
        tokenizer.AppendTokens(text, tokens, dropped);
        return (tokens, dropped);
    }

    // A longer synonym variant's words are met as written or as the one-word synonym they stand for: "isn't" is a variant
    // of "not", so "isn't set correctly" is "not set correctly", a variant of "incorrect".
    [Theory]
    [InlineData("the clock isn't set correctly")]
    [InlineData("the clock is not set correctly")]
    public void Tokens_LongerSynonymWithAOneWordVariantInside_IsFolded(string text) =>
        Assert.Equal(["clock", "incorrect"], new Tokenizer(SharedCatalog.Catalog.Curated).Tokens(text));

    // A long word after the first of a longer variant is met with one letter wrong ("nicht gefunen"); the first is not.
    [Theory]
    [InlineData("Anmeldeadresse nicht gefunen", true)]
    [InlineData("Anmeldeadresse nicht gefunden", true)]
    [InlineData("Anmeldeadresse nich gefunen", true)]
    [InlineData("Anmeldeadresse nacht gefunden", false)]
    public void Tokens_LongerVariantWithALaterWordMisspelt_IsFolded(string text, bool folded) =>
        Assert.Equal(folded, new Tokenizer(SharedCatalog.Catalog.Curated).Tokens(text).Contains("found"));

    [Fact]
    public void AppendTokens_DroppedStopWords_AreReported()
    {
        var (tokens, dropped) = KeptAndDropped(Tokenizer, "the error remains");

        Assert.Equal(["remain"], tokens);
        Assert.Equal(["the", "error"], dropped);
    }

    private static readonly Tokenizer German = new(new CuratedData
    {
        StopWords = new HashSet<string> { "fehler", "für" },
        Concepts = new Dictionary<string, IReadOnlyList<string>> { ["clockoff"] = ["abweichung"] },
        Synonyms = new Dictionary<string, IReadOnlyList<string>>
        {
            ["certificate"] = ["zertifikat", "zertifikats"],
            ["connect"] = ["verbindung"],
            ["problem"] = ["probleme"],
            ["server"] = [],
            ["domain"] = ["domäne"],
            ["forgotten"] = ["vergessen"],
        },
    });

    [Fact]
    public void Tokens_Compound_OfCuratedWords_IsReadAsItsParts()
    {
        Assert.Equal(German.Tokens("zertifikats problem"), German.Tokens("Zertifikatsproblem"));
        Assert.Equal(["server", "certificat"], German.Tokens("Serverzertifikat"));
    }

    [Fact]
    public void Tokens_CompoundWithLinkingS_AndAStopWordPart_KeepsTheStopWordForTheProblemCheck()
    {
        var (tokens, dropped) = KeptAndDropped(German, "Verbindungsfehler");

        Assert.Equal(["connect"], tokens);
        Assert.Equal(["fehler"], dropped);
    }

    [Fact]
    public void Tokens_CompoundOfThreeParts_IsSplitTwice()
    {
        Assert.Equal(["server", "connect", "problem"], German.Tokens("Serververbindungsprobleme"));
    }

    [Fact]
    public void Tokens_GermanSpelling_IsFoldedLikeTheCuratedWords()
    {
        Assert.Equal(["domain"], German.Tokens("Domaene"));
        Assert.Equal(German.Tokens("ich weiß es"), German.Tokens("ich weiss es"));
    }

    [Fact]
    public void Tokens_StopWordWithUmlaut_IsDroppedWhateverItsSpelling()
    {
        Assert.Equal(["server"], German.Tokens("für Server"));
        Assert.Equal(["server"], German.Tokens("fuer Server"));
    }

    [Fact]
    public void Tokens_CompoundWithAConceptWord_IsReadAsItsParts()
    {
        Assert.Equal(["domain", "abweichung"], German.Tokens("Domänenabweichung"));
    }

    [Fact]
    public void Tokens_CuratedWordWithGermanInflectionEnding_IsReadAsThatWord()
    {
        Assert.Equal(["certificat"], German.Tokens("Zertifikates"));
        Assert.Equal(["forgotten"], German.Tokens("vergessenen"));
        Assert.Equal(["domain"], German.Tokens("Domänen"));
    }

    [Fact]
    public void Tokens_CompoundWithLinkingN_IsReadAsItsParts()
    {
        Assert.Equal(["domain", "problem"], German.Tokens("Domänenprobleme"));
    }

    [Fact]
    public void Tokens_CompoundOfCuratedFirstPartAndLongUnknownLastPart_KeepsBoth()
    {
        Assert.Equal(["certificat", "warnung"], German.Tokens("Zertifikatswarnung"));
        Assert.Equal(["domain", "umstellung"], German.Tokens("Domänenumstellung"));
    }

    [Fact]
    public void Tokens_LongWordThatIsNoCompoundOfCuratedWords_StaysOneWord()
    {
        Assert.Equal(["serverraum"], German.Tokens("Serverraum"));
        Assert.Equal(["certificat", "serverraum"], German.Tokens("Zertifikat Serverraum"));
    }
}
