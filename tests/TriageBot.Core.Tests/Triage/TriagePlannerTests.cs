using TriageBot.Core.Knowledge;
using TriageBot.Core.Triage;

namespace TriageBot.Core.Tests.Triage;

public sealed class TriagePlannerTests
{
    private static readonly Lazy<TriagePlanner> LazyPlanner = new(() => new TriagePlanner(SharedCatalog.Catalog, FlowLoader.Load(RepositoryPaths.Dialogs, SharedCatalog.Catalog)));

    private static TriagePlanner Planner => LazyPlanner.Value;

    private static Symptom Symptom(string id) => SharedCatalog.Catalog[id];

    private static Dictionary<string, string> Answers(params (string Question, string Value)[] answers) =>
        answers.ToDictionary(a => a.Question, a => a.Value);

    [Fact]
    public void Plan_ServerUnavailable_AsksThePlanFirst()
    {
        var plan = Planner.Plan(Symptom("server-is-temporarily-unavailable"), Answers());

        Assert.Equal("plan", plan.Next?.Id);
    }

    [Fact]
    public void Plan_PlanP_RulesOutEnterpriseCausesAndSkipsTheirQuestions()
    {
        var plan = Planner.Plan(Symptom("server-is-temporarily-unavailable"), Answers(("plan", "no")));

        // Only the KB's AutoDiscover cause is left, so custom domain and AD FS no longer matter.
        Assert.Null(plan.Next);
        var cause = Assert.Single(plan.Causes);
        Assert.Contains("No DNS record", cause.Text.English.Plain);
    }

    [Fact]
    public void Plan_CustomDomainYes_PutsTheDnsFixFirstAndStillAsksAboutAdfs()
    {
        var symptom = Symptom("server-is-temporarily-unavailable");

        var afterDomain = Planner.Plan(symptom, Answers(("plan", "yes"), ("custom-domain", "yes")));
        Assert.Equal("adfs", afterDomain.Next?.Id);

        var final = Planner.Plan(symptom, Answers(("plan", "yes"), ("custom-domain", "yes"), ("adfs", "no"), ("scope", "one")));
        Assert.Null(final.Next);
        Assert.Equal("Update DNS settings", final.Causes[0].Resolution.English.Title.Plain);
        Assert.DoesNotContain(final.Causes, c => c.Conditions.Contains("adfs-sso"));
        Assert.Equal(2, final.Causes.Count);
    }

    [Fact]
    public void Plan_EveryCauseRuledOut_FallsBackToCollectMoreInformation()
    {
        var plan = Planner.Plan(Symptom("you-set-up-custom-domain"), Answers(("custom-domain", "no")));

        Assert.Empty(plan.Causes);
        Assert.Equal("Collect more information and seek additional help", plan.Fallback?.Title.Plain);
    }

    [Fact]
    public void Plan_SymptomWithoutFlow_AsksNothing()
    {
        var plan = Planner.Plan(Symptom("forgotten-password"), Answers());

        Assert.Null(plan.Next);
        Assert.Single(plan.Causes);
    }

    [Fact]
    public void Plan_PersonalCertificate_CacheNotClearedYet_StartsWithDeletingSignInInfo()
    {
        var symptom = Symptom("problem-acquiring-personal-certificate-that");
        Assert.Equal("cache-cleared", Planner.Plan(symptom, Answers()).Next?.Id);

        var plan = Planner.Plan(symptom, Answers(("cache-cleared", "no")));

        Assert.Null(plan.Next);
        Assert.DoesNotContain(plan.Causes, c => c.Conditions.Contains("cached-data-removed"));
    }

    [Fact]
    public void Detect_PasteMentioningAdfs_AnswersTheAdfsQuestion()
    {
        var found = Planner.Detect(Symptom("server-is-temporarily-unavailable"), "We use ADFS single sign-on and since today: Server is temporarily unavailable");

        Assert.Equal("yes", found["adfs"]);
        Assert.False(found.ContainsKey("plan"));
    }

    [Theory]
    [InlineData("Server is temporarily unavailable. We don't use AD FS here.")]
    [InlineData("Server is temporarily unavailable, we do not use ADFS")]
    [InlineData("Server is temporarily unavailable (no SSO)")]
    public void Detect_PasteDenyingAdfs_AnswersNo(string paste)
    {
        var found = Planner.Detect(Symptom("server-is-temporarily-unavailable"), paste);

        Assert.Equal("no", found["adfs"]);
    }

    // A yes phrase with a negation near it in its clause answers no, wherever the language puts the negation.
    [Theory]
    [InlineData("Server is temporarily unavailable. AD FS nutzen wir nicht.")]
    [InlineData("Server is temporarily unavailable. Wir haben kein ADFS.")]
    [InlineData("Skype 提示 Server is temporarily unavailable，我们没有用ADFS。")]
    [InlineData("Server is temporarily unavailable - ADFS isn't used here")]
    // Negations come from the one list the matcher uses too (knowledge/curated/matching.yaml): "nein", "无法" are in it.
    [InlineData("Server vorübergehend nicht verfügbar. ADFS nein, eigene Domain ja")]
    [InlineData("Skype 提示 Server is temporarily unavailable，我们这边无法用ADFS")]
    public void Detect_NegatedAdfsInAnyLanguage_AnswersNo(string paste) =>
        Assert.Equal("no", Planner.Detect(Symptom("server-is-temporarily-unavailable"), paste)["adfs"]);

    // The negation must be in the phrase's clause: one in another clause or far away says nothing about it.
    [Theory]
    [InlineData("Sign-in does not work: we use ADFS single sign-on and Skype says Server is temporarily unavailable")]
    [InlineData("Skype 登录不了，我们用ADFS单一登录，提示 Server is temporarily unavailable")]
    public void Detect_NegationOutsideThePhrasesClause_StillAnswersYes(string paste) =>
        Assert.Equal("yes", Planner.Detect(Symptom("server-is-temporarily-unavailable"), paste)["adfs"]);

    [Theory]
    [InlineData("Skype 登录时提示找不到登录地址。是 E 计划。", "yes")]
    [InlineData("Skype 登入時顯示找不到登入位址，我們是 P 方案", "no")]
    [InlineData("Sign-in address not found. We're not on Plan E.", "no")]
    public void Detect_PlanStatedInThePaste_AnswersThePlanQuestion(string paste, string expected) =>
        Assert.Equal(expected, Planner.Detect(Symptom("sign-in-address-not-found"), paste)["plan"]);

    // "not everyone" denies one answer of a question with three: it tells none of them.
    [Fact]
    public void Detect_NegatedAnswerOfAQuestionThatIsNotYesNo_AnswersNothing()
    {
        var found = Planner.Detect(Symptom("sign-in-address-not-found"), "Sign-in address not found, but not everyone gets it");

        Assert.False(found.ContainsKey("scope"));
    }
}
