"""Single-word city names that are also common words or given names (generated).

Made by ``scripts/gen_place_words.py`` (see there for the sources); do not edit.
"""

# Lower-case words of each language that are also city names.
WORDS: dict[str, frozenset[str]] = {
    "de": frozenset(
        """
        bade bergen buhe dabei delta dual durres erlangen essen klang kure labe landen leiden
        liege mahe male man mobile oral orange siegen ube van
        """.split()
    ),
    "en": frozenset(
        """
        anchorage angers angora archway astrakhan bade balsas barking baste bath bender billings
        bimbo bole bologna boulder brusque buffalo burs bush cairns canton cayenne centennial
        centurion chandler cologne commonwealth concord cork corona cypress damask davenport
        deli delis delta derby dilly dining dual enterprise erode garland gent hang harrow ho
        honcho hub hue independence jingling lander liege lime limerick limo lira logos madras
        male man mango mantilla mascara mecca mesa meshed mesquite metro midland mobile muscat
        natal newton nice oral orange oxford paradise pare pecs perm pert pest phoenix
        providence pueblo queens reading revel riverside ruse saga saki sale samba sari savannah
        shanghai shaping simmering slough soul split springs surprise surrey tamale tangier
        tours tuba tunes tyre valley van vine vista warder warren wean wellington woodlands
        """.split()
    ),
    "es": frozenset(
        """
        adan agra agro ajuno alamar alejandria alicante amadora aman amano amarillo ambon
        americana amol anaco anda andalia andorra angora apio arar araucaria argel armenia
        arrecife asmar asuncion aurora avellaneda bago baguio bahia baleta banda barcelona
        barcino bari baste bastero bata belen bello biso braga braza brusela bruselas
        buenaventura caire calabozo cali callao calumbo camama campeche candelaria cano cansa
        canton caparra caracas carolina caza centurion cerro cesarea changle chia chico
        chihuahua chita chunga codo colina colombo colonia comilla concepcion concordia
        constantinopla cordoba coro corona coronel cuenca cumana cusco daca dagon damasco deesa
        delta denton diadema divo dual duma dundo ejido elche emerita ensenada envigado
        escondido fila florencia fontana fontanar fortaleza franca fresnillo fresno gabela gama
        gao gaya gaza gent goma gracia granada guara guate guayaquil habana hortaleza ilesa jaen
        jalapa jau jerusalen juba labe lagarto lampa latina leiden leon libertad lima limo lira
        loanda londres londrina luda macelo madras madura malaga man mango manila manilla mansa
        manta mantilla manzanillo marica mascara meca medano merlo mesa metro milagro milan
        milano minga mito modesto monteria monterrey morena moreno moro mosca mosco nada nanquin
        naso natal oral pali palma panama para paraguay paris parla pasto patan paulinia peoria
        pequin pernambuco perta peste pisa pizote plano playa poa poblacion portland potosi
        pretoria pretorio puebla pueblo puna puno quilla quito raba renca reno resistencia
        retiro rija roma romo rosario roseo rozo sabara sacramento saga salamanca salto salvador
        salvadora sama samara sampa san sana sano santiago santol sarandi sayama seto sevilla
        sian singa sirte sofi soledad sucre suita tabora talin tanga tanta tanza taza tema timon
        tirana tirano tocio toledo torreon tripili tripol tripoli tuba tunez ube uruga valdivia
        valencia valentia vali vallejo vaticano vedado vena victoria virar virginia vista
        vitoria yola
        """.split()
    ),
    "fr": frozenset(
        """
        alexandra ambon angora araucaria assis bade badin baise balsas banda barrie baste baster
        bastera basteras bata batavia bath becs beni benin berline berna bernas berne bila bissa
        boise bombai bordeaux boston brandon breves bristol brossa brousse bruni brusque bush
        cambe campeche canton capas carrefour centurion charleston charlotte chas cheras chia
        christiania chu dallas damas delta derby detroit douglas dual dundee erode fila florence
        gardez gaza gent gera giron goba golfe gonder gracia hantai ho hue induras jaffa joliet
        kali kief kota koto lampa liege lima limbe lime limerick limoges lira logos londres luta
        macassar madras mage malaga male man mandale mandera manille marigot mascara masquat
        mati medina mesa mestre metairie metro milan mirat mobile moqua munster muscat nankin
        natal nippes oral orange ota oxford pali palma palmas panama para parais paras pare pari
        paries paris parla pati pekin pelotas pequin percut pesta peste phenix phoenix ponce
        portland porto providence provo puna puni quilla rabat rabot rampat ranci rancis rennes
        riant roseau ruse saga saki sale samare samba sana sari serra seul songea soul sucre
        suez surate surprise tampico tanca tanna tempe terni terrassa tete timon tokai tours
        trier tripoli tripolis tuba tunes usera valeta van vele vena victoria vienne vine
        zanzibar zawiya
        """.split()
    ),
    "id": frozenset(
        """
        aba adem aman ambur ampang anda andong andorra angkara anjang antep anyang arak armenia
        asmara aurora bade baki bako baku banda bandung bangkok banjar banjaran baran bari baris
        bata batang batu beijing belawan beni benin bernas betul bida bidar bila binjai bissau
        bogor bogot boku bolu bombai brunei bukan bunda bursa cabul cacak coban coro cua dacin
        dadu dagu dajal daka dakar damas datung daur delta dila duyun gama ganja garut gaya gera
        goba goyang guli guna guntur hang hantai itu jember jiawang jombang kabil kabul kajang
        kali kalio kalis kano kapar kara kasa kasi kasur kati kaya keju kelar kira kisi kita
        kolon kota kotah kudus kulim kumba kuningan kupang lahan lampang lanus latur lawang
        lembang lima lira madras makao malang male man manila marka masai maskat mati mau medan
        metro mirat moga nada naga naning natal negara newton noda nyala ondo oral padang palu
        para paras pare pari paris pati peking perling pesta plano porto puri raba rabak rampat
        rangum ranyah rawang roma rosario safi saga saham sakai saki sakura salem salto salvador
        sama samar samara samba sampa sana sangli sano santau sari sawangan senjang sentul
        sepang serang seremban setapak sian silang singa siul sohar soka sorong stambul subang
        surat tandil tarsus tegal tema temara tempe tiran tuba uba uji usak uskup valensi valis
        vena vila virginia vista wau wawa zaitun
        """.split()
    ),
    "it": frozenset(
        """
        agra agro amano americana arare aurora baia banda bari bastera bastero basti bello beni
        bimbo bisava bruni cali caparra cigli colombo colonia concordia conia coro corona
        damasco diadema divo erode fila foggia fontana formosa franca gustavi ho latina lima
        lime lira lontra male mandera merlo metro mila miri mito mobile modesto monaco moria
        moro mosca mutare naso orlando ottava pali palma para pare pari parla pasto pesta peste
        pesto porto prato provo puri ranci regina riga rigo rosario sacramento sale salta salto
        san sana sano serra siano sodo sorriso stadi tana tane tanga tanta tatui tema tirano
        triboli tuba usera vali valli van vaticano vele vena vien vista
        """.split()
    ),
    "nl": frozenset(
        """
        aba adem alge amarillo angora anten arak aten aurora bama baste belen bello bergen bima
        bloemfontein bo bordeaux boston brits brousse cayenne centurion charleston chesterfield
        chihuahua cologne concordia corona deli delta derby dorp drammen ede engels erlangen
        essen feniks fes franca frisco gent hagen hang havanna hebi ho hoofddorp hub jaren kali
        kalis kampong kano kanton kassala kent kief kiel koto kouds lancaster landen lander
        leiden limerick limo lira logos lome madison madras malaga male man manchester mango
        manilla manille manta mantilla mary mascara medina mekka metro mila milaan mobile
        munster nablus nada naga nanking newton nis ome panama para pare pari perm pest pesto
        pilsen plano porto portorico pretoria provo pueblo rabat reading reus riant saga saki
        sale salto samba sari soul split surprise tanga telde tempe tiran tours trieste tuba
        tunes van veen vele vista warren waterloo welkom wellington wenen wieden windhoek zinder
        """.split()
    ),
    "pl": frozenset(
        """
        aba abakan ajax akara akita akra akron alge alwar aman ambon amida amol anand angora
        anten apia arak arar arare ariel artem atalia atlanta aurora austin babol bagu baki bako
        baku bali bama banan banda bangi banu baraki baran barcino bata batman batu bedford
        bekasi belem belmopan berbera bergamo berlin berline berlino betul bicze bida bielany
        bila bima bimbo bo boku bole bolu bordeaux boston bristol bronks brum brusa buda bukan
        bunda bunia burgos burs bursa burso bytom caesarea cali cano cary cayenne centurion cham
        charleston chesterfield chia chihuahua christiania chu chuchow chust clearwater
        cleveland codo cordoba coro dakk dakka dakke dalas dali damaszek damsko deka deli delta
        derby dijon dili divo douglas doula dual duala duglas duma dyli dzida elektrostal essen
        feniks fes fila franca frunze fuji gama ganja gaya gaza gera gilbert gonia gorki granada
        graz grozny guli gulu gweru haikow halifax hang hawana helsinki helsinko hitachi ho hub
        hulan hulna indor isfahan iwo jalapa jena jolo kabul kabuli kabura kalemie kali kalio
        kaluga kampera kananga kanange kandahar kandy kani kankan kano kanton kapar kara karaj
        karasi karej karnal kasa kasan kastry kawasaki kazan kazana kazane kazani kazano kent
        kiel kijow kingston kingstona kirin kisi kita kitami kito kitu klang kobeo koga kolon
        kolonia konak koni konia korba kota koto krakow krasnojarsko kresek kristiania kufa
        kulna kulti kure labe lajan lakeland lampa lamy latina lekki levis lima limbe lime limo
        lincoln lira lodz logos loja lubiana lubiane lublin luda lunchow luta macao machala
        madison madras mage makao malaga male man manchester mandale mandoli mango manila manilo
        manta manzanillo maran marbella marka maroni mary mascara matola mau mazaca medin medina
        medine medino medyna meka meke mekka mekke mekko meksyk merlo mesa metro miami mila
        minska minsko mnichow mobile modena moga mongu mopan morena moreno moria moro moska
        moskow mosku munster murom nada naga nagano namur nankin newton nice nimes odessa odesse
        oldenburg omska omsko opole oral oran osaka osaki osla oslu otawa owo oxford pali palika
        palma palu panama paname para parana pare pari parla pasto paterson patra paulinia
        paulista perm pert perta perto pesto petare phenian piter plano plymouth pochow poole
        porto poznan praetoria pretoria pretorie pretorii pretorio puebla pueblo puna pune puno
        queens raba rabat rabata rabato radom rewa roseau rozo ruse ryga saaba saga saida sajgon
        saki sakura sale salem salisbury salta salto sama samar samara samare samaro samba san
        sana sano sari seto sian siana siano simmering skopia skopie smyrna smyrne sodo sofie
        sosnowiec soul split sucre suita sumy surprise suwa swatow szczecin tagu tajan tama
        tamale tana tanca tanga tarakan targowek tema tempu tepic terana tete toledo tonk tours
        toyota trier tsingtao tuba tula tungi turku tyrana tyre udupi ufa urbs uskub utrecht van
        vena victoria vine vista waleta wellington wene wiktoria wloclawek wola worcester yamato
        york zabol zagrab zagrabia zagrzeb zion
        """.split()
    ),
    "pt": frozenset(
        """
        aba abana abobo adem ades afina agro alvorada amadora americana anda angora anjo
        arapongas arar araras armenia assuncao atava atina aurora azare bacora bago baia bali
        balsas banda banha barreiras baste bata batam beira bendigo berbera bisao bisava biso
        bole breves bumba cabinda campinas candelaria cano canoas cansa cantao capas caracas
        carolina cascavel castanhal catalao ceara cerro chas chia chita coimbra colina colonia
        concordia contagem coro coronel dali damas damasco deli delicias delis delta dila dilo
        domas dourados dual duma emerita escondido esmeraldas ferrara fila formosa fortaleza
        franca gabes gama gera giza gize gizo golfe goma granada guara havano hino ica ilesa
        ilheus imperatriz jantai juba lagarto lagos lajeado latina lavras lida lima lime limo
        lira lobito logos loja londres londrina lontra luta macao madura madurai manado manam
        manas mango manos mansa manta mascara mataram mau meca mesa mestre metro minga mito
        mobile modesto morena moreno moro mosca muar nada natal navegantes negara newton nomea
        orai oral orlando palhoca palma palmas para parais paras pare pari paris parla passos
        pasto pedreira perdizes pereira perto pescara peste pinhais pisa plano porto posadas
        praga praia prato pretoria provo puna pune puni puno queimados quito recife resistencia
        retiro reus rija roma rosario roseo sacramento saga saida salinas salta salto salvador
        salvadora salvadoras samarra samba sana sano santos sarja sarjo segou serra sorriso
        sumida taipa talhar tampa tanga tanger tanta tarava tema tete tingis tinis tirana tirano
        trindade tuba tubarao ufa valencia valentia valera valeta vali vedado vele vila virar
        vista vitoria zango zomba
        """.split()
    ),
    "tr": frozenset(
        """
        aba adalet adan adem agri ahar aman angora anten arabi arak arica atali aydin bade bagda
        bagdat bahri baki banan bandirma baran bari baris bariz batman batna belen betim bidar
        bole bolu buda burs calama cali cigli coban corlu corum daglas dahli dalas daye deli
        delis delta denizli derbent derince dilli duala duyun duzce ede elgin esna fatih fes
        fusun gama gaza gonder gucun hami handan harar harbin havan hisar hosur ilam ise isfahan
        kabil kabinda kabul kalis kani kano kanton kara karaci karakas karaman karasi kasa
        kasama kasan kasi kati kaya kazan kent kilin kilis kira kisi kita kolon konak koni kota
        kunduz kure kurgan kurume lime lira logos malaga manas mango maraba marka masat meke
        mersin metro mirat miri muskat nazilli nice nilufer nis oklan oral oran ordu otsu oyala
        oyama panama para pare parla pati pert pest porto pusan revan safi saki salavat sale
        salta salto sama samar samba samsun san sano sari savan sayama sikar sisli sivas sofi
        stadi sufa sukre surat tahta talca tanca tane taraz tema tiran tokat tokyo torun tripoli
        tuba turku tuzla uruga usak usera vali vena yaren
        """.split()
    ),
    "vi": frozenset(
        """
        bech bo cham cheng chia chu cua gao hang ho hue khue khuy kieu luan man mau ngong san
        van vien vinh
        """.split()
    ),
}  # fmt: skip

# Given names that are also city names.
GIVEN_NAMES: frozenset[str] = frozenset(
    """
    abha adalet adan adelaida adelaide adem aden agra ajmer alexandra alexandria alexandrie
    alger alje alzira amadora aman amani ammon anand anda anjan anjo ann ariel artem assis atena
    athena athina atina aurora austin aydin azmir badin bagdat bahia bahri baki banu baran
    barrie basel basra bata batu beni benoni berna berno betim bo bradford braga brandon
    bratislav bratislava breda brent brooklyn bruni buenaventura cali candelaria cano carolina
    cary ceara cesarea chanda chandler charlotte chas cheng chia chita chu cleveland clovis
    colina colombo columbus constantine coro corona cucuta dako dali dallas darwin dayton delmas
    denver dessie dila divo doha domas douglas dudley ede edison elgin elizabeth emerita erbil
    eugene everett fatih fila filadelfia filadelfio florence florencia fontana franca frunze gao
    garland geneva gent george gera gidda gido gilbert gorki gracia guadalupe guna gustaf hagen
    haifa hami hamilton handan hang hassan hayward heijo henderson ho hobart houston hue ica
    iida irvine irving ismir itu izumi jackson jaren jena jida jinan jos judah kaili kali kalyan
    kandy kara karaman kati kaya kennedy kent kerman kiel kieu kimberley kira kita kobe kosti
    kosyu kota kulno kveta lafayette landen lander larisa latina leon lewis lida lille lima
    lincoln livingstone london loni lonn lowell luan luda luta lutetia madina madison malda
    malita man manila manilo manos marica marinko mary masaya masina mati matsue medea medina
    medine mersin mila milan milana milton minna miri mito modesto montgomery morena moreno
    moscu nada nancy nanning newton nigel nis norman odessa olinda oral oran orlando ota palma
    palmira pandi pardis pari paris phoenix pietari piter preston rafah raleigh rangel regina
    reno riad riga rigo riia riika riyad riyadh rockford rohini roma rosario rosetta ruse saaba
    saga saida saki sakura salem salvador salvadora sama samah samar samara san sana sanaa
    santana santiago santos sari sarika savannah serra seyhan shahriar sheffield shiraz sian
    siana sidney singa sion siwan sjan sofi sofia sofie sofija sofio sofiya sofja sofya soka
    soledad sophia stanley surat sydney taito takao takeo tallina tana tane tanta tauris
    teresina thane thies timon tokio torrance torun tsu tuba tulsa turan tyler valencia valis
    valli van vaughan vena verona vespasiano viana victoria vien vienna vieno viktoria viktorija
    viktoriya viktorya vilna vilnis vinh virginia vladimir warren wiktoria xian yachiyo yamato
    yanka yao yaren york zaria zenica zion
    """.split()
)
