"""The demo round's eight invented vignettes (no real person). The reference answers are the
demo analyst's, to show the comparison; two cases are written to split counsellors between need
groups, as the research found for the same case assessed by two groups."""

DEMO_VIGNETTES = [
    {
        "title": "Kari, 24 år, nyutdannet",
        "situation": "Fullførte bachelor i markedsføring i vår. Har søkt 40 jobber uten intervju. Ingen helseplager.",
        "needs": "Jobbsøking: noe utfordring. Nettverk: noe utfordring.",
        "wishes": "Vil ha jobb innen markedsføring i byen.",
        "reference": {
            "need_group": "STANDARD_INNSATS",
            "main_goal": "SKAFFE_ARBEID",
            "requirement": "none",
            "measure_type": "JOBBKLUBB",
        },
    },
    {
        "title": "Ahmed, 41 år, lang ledighet",
        "situation": "Kom til Norge for seks år siden. Jobbet som sjåfør i hjemlandet. Norsk på A2-nivå. Ledig i to år.",
        "needs": "Språk: betydelig. Arbeidserfaring i Norge: betydelig.",
        "wishes": "Vil kjøre buss, trenger førerkort klasse D.",
        "reference": {
            "need_group": "SITUASJONSBESTEMT_INNSATS",
            "main_goal": "SKAFFE_ARBEID",
            "requirement": "course",
            "measure_type": "ENKELTPLASS_ARBEIDSMARKEDSOPPLAERING",
        },
    },
    {
        "title": "Lise, 35 år, sykmeldt",
        "situation": "Sykmeldt i ti måneder for ryggplager. Har arbeidsgiver som vil ha henne tilbake i redusert stilling.",
        "needs": "Fysisk helse: betydelig. Tilrettelegging: betydelig.",
        "wishes": "Tilbake til egen jobb, først 50 %.",
        "reference": {
            "need_group": "SITUASJONSBESTEMT_INNSATS",
            "main_goal": "BEHOLDE_ARBEID",
            "requirement": "none",
            "measure_type": "none",
        },
    },
    {
        "title": "Jonas, 19 år, droppet ut",
        "situation": "Sluttet på videregående i andre klasse. Bor hjemme. Spiller mye, døgnrytmen er snudd. Ingen diagnose.",
        "needs": "Utdanning: betydelig. Motivasjon: betydelig. Psykisk helse: noe.",
        "wishes": "Vet ikke. Kanskje noe med data.",
        "reference": {
            "need_group": "SPESIELT_TILPASSET_INNSATS",
            "main_goal": "OKE_DELTAKELSE",
            "requirement": "meeting",
            "measure_type": "OPPFOLGING",
        },
    },
    {
        "title": "Tor, 52 år, rus og bolig",
        "situation": "Har hatt rusproblemer i mange år, er nå i LAR. Bor midlertidig. Jobbet som snekker for 15 år siden.",
        "needs": "Rus: betydelig. Bolig: hindrer arbeid nå. Arbeidserfaring: noe.",
        "wishes": "Vil ha noe å gjøre på dagtid, gjerne med hendene.",
        "reference": {
            "need_group": "SPESIELT_TILPASSET_INNSATS",
            "main_goal": "OKE_DELTAKELSE",
            "requirement": "none",
            "measure_type": "ARBEIDSFORBEREDENDE_TRENING",
        },
    },
    {
        "title": "Mona, 29 år, angst",
        "situation": "Har hatt angst siden ungdomsskolen, men fullførte fagbrev som frisør. Har ikke jobbet på fem år. Går til psykolog.",
        "needs": "Psykisk helse: betydelig. Arbeidserfaring: betydelig.",
        "wishes": "Vil prøve seg i jobb, men er redd for å feile.",
        "reference": {
            "need_group": "SPESIELT_TILPASSET_INNSATS",
            "main_goal": "SKAFFE_ARBEID",
            "requirement": "none",
            "measure_type": "INDIVIDUELL_JOBBSTOTTE",
        },
    },
    {
        "title": "Per, 60 år, utviklingshemming",
        "situation": "Lett utviklingshemming. Har jobbet i en skjermet virksomhet i 30 år; virksomheten legges ned.",
        "needs": "Uavklart arbeidsevne: nei, varig nedsatt. Tilrettelegging: hindrer arbeid uten tilrettelegging.",
        "wishes": "Vil fortsette å jobbe sammen med kollegene.",
        "reference": {
            "need_group": "VARIG_TILPASSET_INNSATS",
            "main_goal": "OKE_DELTAKELSE",
            "requirement": "none",
            "measure_type": "VARIG_TILRETTELAGT_ARBEID_SKJERMET",
        },
    },
    {
        "title": "Sara, 44 år, alene med tre barn",
        "situation": "Jobbet deltid i butikk til hun ble oppsagt. Alene med tre barn, ett med spesielle behov. Økonomien er stram, har gjeld.",
        "needs": "Familie og omsorg: betydelig. Økonomi: betydelig. Jobbsøking: noe.",
        "wishes": "Vil ha fast jobb innen skoletiden.",
        "reference": {},
    },
]
