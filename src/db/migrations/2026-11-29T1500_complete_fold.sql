-- Search keys fold every Latin letter with diacritics, not only those of a short table:
-- Nguyễn was "nguy n" and not found by "nguyen" (ễ ị and the rest of Vietnamese, ǅ, ﬁ, the
-- hooked letters of West African names were missing); ß æ œ þ are spelled ss ae oe th, ð d.
-- Letters of other scripts are kept (they were spaces: a name in Chinese had an empty key),
-- and combining marks removed (a name typed decomposed). The function is written from the
-- tables of src/features/console/search.keys.ts (`consoleFoldSql`; search.keys.test.ts checks
-- this text against it, and both folds on every character of the Basic Multilingual Plane).
-- No unaccent: an extension PostgreSQL may not have, not immutable, and with its own rules.
create or replace function console_fold(value text) returns text language sql immutable parallel safe as $$
  select btrim(regexp_replace(regexp_replace(translate(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(coalesce(value, ''), 'Æ', 'ae'), 'Þ', 'th'), 'ß', 'ss'), 'æ', 'ae'), 'þ', 'th'), 'Ĳ', 'ij'), 'ĳ', 'ij'), 'Œ', 'oe'), 'œ', 'oe'), 'Ǆ', 'dz'), 'ǅ', 'dz'), 'ǆ', 'dz'), 'Ǉ', 'lj'), 'ǈ', 'lj'), 'ǉ', 'lj'), 'Ǌ', 'nj'), 'ǋ', 'nj'), 'ǌ', 'nj'), 'Ǣ', 'ae'), 'ǣ', 'ae'), 'Ǳ', 'dz'), 'ǲ', 'dz'), 'ǳ', 'dz'), 'Ǽ', 'ae'), 'ǽ', 'ae'), 'ᴭ', 'ae'), 'ẞ', 'ss'), 'ꟹ', 'oe'), 'ﬀ', 'ff'), 'ﬁ', 'fi'), 'ﬂ', 'fl'), 'ﬃ', 'ffi'), 'ﬄ', 'ffl'), 'ﬅ', 'st'), 'ﬆ', 'st'),
    'abcdefghijklmnopqrstuvwxyz ,-''.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZªµºÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝàáâãäåçèéêëìíîïðñòóôõöøùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĐđĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĦħĨĩĪīĬĭĮįİıĴĵĶķĹĺĻļĽľĿŀŁłŃńŅņŇňŉŊŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŦŧŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžſƀƁƂƃƄƆƇƈƉƊƋƌƎƏƐƑƒƓƔƖƗƘƙƚƜƝƞƟƠơƢƤƥƦƧƩƫƬƭƮƯưƱƲƳƴƵƶƷƸƼǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǠǡǤǥǦǧǨǩǪǫǬǭǮǯǰǴǵǶǷǸǹǺǻǾǿȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȜȞȟȠȡȢȤȥȦȧȨȩȪȫȬȭȮȯȰȱȲȳȴȵȶȷȺȻȼȽȾȿɀɁɃɄɅɆɇɈɉɊɋɌɍɎɏɓɕɖɗɠɦɨɫɬɭɱɲɳɵɼɽɾʂʈʉʋʐʑʝʠᴬᴮᴰᴱᴲᴳᴴᴵᴶᴷᴸᴹᴺᴼᴽᴾᴿᵀᵁᵂᵃᵄᵅᵆᵇᵈᵉᵊᵋᵌᵍᵏᵐᵑᵒᵓᵔᵕᵖᵗᵘᵙᵚᵛᵜᵝᵞᵟᵠᵡᵢᵣᵤᵥᵦᵧᵨᵩᵪᵬᵭᵮᵯᵰᵱᵲᵳᵴᵵᵶᵸᵽᶀᶁᶂᶃᶄᶅᶆᶇᶈᶉᶊᶌᶍᶎᶏᶑᶒᶖᶙᶛᶜᶝᶞᶟᶠᶡᶢᶣᶤᶥᶦᶧᶨᶩᶪᶫᶬᶭᶮᶯᶰᶱᶲᶳᶴᶵᶶᶷᶸᶹᶺᶻᶼᶽᶾᶿḀḁḂḃḄḅḆḇḈḉḊḋḌḍḎḏḐḑḒḓḔḕḖḗḘḙḚḛḜḝḞḟḠḡḢḣḤḥḦḧḨḩḪḫḬḭḮḯḰḱḲḳḴḵḶḷḸḹḺḻḼḽḾḿṀṁṂṃṄṅṆṇṈṉṊṋṌṍṎṏṐṑṒṓṔṕṖṗṘṙṚṛṜṝṞṟṠṡṢṣṤṥṦṧṨṩṪṫṬṭṮṯṰṱṲṳṴṵṶṷṸṹṺṻṼṽṾṿẀẁẂẃẄẅẆẇẈẉẊẋẌẍẎẏẐẑẒẓẔẕẖẗẘẙẚẛẜẝẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹỺỼỾỿⱠⱡⱢⱣⱤⱥⱦⱧⱨⱩⱪⱫⱬⱭⱮⱯⱰⱱⱲⱳⱴⱵⱸⱺⱼⱽⱾⱿꜢꜤꜦꜨꜪꜬꜮꜲꜴꜶꜸꜺꜼꜾꝀꝁꝂꝃꝄꝅꝆꝈꝉꝊꝋꝌꝍꝎꝐꝑꝒꝓꝔꝕꝖꝗꝘꝙꝚꝜꝞꝟꝠꝢꝤꝦꝨꝪꝬꝮꝰꝹꝻꝽꝾꞀꞂꞄꞆꞋꞍꞎꞐꞑꞒꞓꞔꞕꞖꞗꞘꞙꞚꞜꞞꞠꞡꞢꞣꞤꞥꞦꞧꞨꞩꞪꞫꞬꞭꞮꞰꞱꞲꞳꞴꞶꞸꞹꞺꞼꞾꟀꟂꟄꟅꟆꟇꟈꟉꟊꟋꟌ꟎Ꟑ꟒꟔ꟖꟘꟚꟜ꟱ꟲꟳꟴꟵꟸꬴꬷꬸꬹꬺꬻꭉꭎꭒꭖꭗꭘꭙꭚꭜꭝꭞꭟꭩ０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ',
    'abcdefghijklmnopqrstuvwxyz ,-''.0123456789abcdefghijklmnopqrstuvwxyzaμoaaaaaaceeeeiiiidnoooooouuuuyaaaaaaceeeeiiiidnoooooouuuuyyaaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiijjkkllllllllllnnnnnnnŋoooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzsbbbbƅɔccddddǝəɛffgɣɩikklɯnnoooƣppʀƨʃttttuuʊvyyzzʒƹƽaaiioouuuuuuuuuuaaaaggggkkooooʒʒjggƕƿnnaaooaaaaeeeeiiiioooorrrruuuussttȝhhndȣzzaaeeooooooooyylntjaccltszɂbuʌeejjqqrryybcddghilllmnnorrrstuvzzjqabdeǝghijklmnoȣprtuwaɐɑᴂbdeəɛɜgkmŋoɔᴖᴗptuᴝɯvᴥβγδφχiruvβγρφχbdfmnprrstzнpbdfgklmnprsvxzadeiuɒccdɜfɟɡɥiɩɪᵻjllʟmɰnnɴoɸsʃtuʊᴜvʌzzzʒθaabbbbbbccddddddddddeeeeeeeeeeffgghhhhhhhhhhiiiikkkkkkllllllllmmmmmmnnnnnnnnoooooooopppprrrrrrrrssssssssssttttttttuuuuuuuuuuvvvvwwwwwwwwwwxxxxyyzzzzzzhtwyasssaaaaaaaaaaaaaaaaaaaaaaaaeeeeeeeeeeeeeeeeiiiioooooooooooooooooooooooouuuuuuuuuuuuuuyyyyyyyyỻỽyylllprathhkkzzɑmɐɒvwwvⱶeojvszꜣꜥꜧꜩꜫꜭꜯꜳꜵꜷꜹꜻꜽꜿkkkkkkꝇllooooꝏppppppqqqqꝛꝝvvꝡꝣꝥꝧꝩꝫꝭꝯꝯꝺꝼᵹꝿꞁꞃꞅꞇꞌɥlnnccchbbffꞛꞝꞟggkknnrrsshɜɡlɪʞʇjꭓꞵꞷuuꞻꞽꞿꟁꟃcszddssɤꟍ꟏ꟑꟓꟕꟗꟙꟛƛscfqꟶhelllmnruuxxxxyꜧlluʍ0123456789abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz'),
    '[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+', '', 'g'),
    '[^\u0061-\u007a\u0030-\u0039\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02af\u0370-\u1fff\u2c00-\u2dff\u2e80-\u2fff\u3040-\ud7ff\uf900-\ufe0f\ufe70-\ufefe\uff66-\uffdc\U00010000-\U0010ffff]+', ' ', 'g'), ' ')
$$;

-- The stored keys computed again with it: each column dropped (with its index) and added back,
-- which rewrites the table once, rather than an update of every row (a dead copy of each).
alter table offer drop column worker_key;
alter table offer add column worker_key text collate "C" generated always as (console_fold(worker_name)) stored;
create index console_offer_worker_key_idx on offer (worker_key, id) where status <> 'draft';

alter table business drop column legal_name_fold;
alter table business add column legal_name_fold text collate "C" generated always as (console_fold(legal_name)) stored;
create index console_business_name_fold_idx on business (legal_name_fold, id);

-- The employer's queue searches and sorts by the same key, drafts included (the officers'
-- index holds submitted offers only): a range of keys within the business, in key order.
-- It replaces the index of lower(worker_name), which no statement uses any more.
create index offer_queue_worker_key_idx on offer (business_id, worker_key, id);
drop index offer_worker_name_idx;
