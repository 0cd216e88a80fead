"""The demo's hand-written threads (see hearth.demo.script for the notation). The history
uses them for its most recent months, so the first pages of every list read like a real
community; older months draw on hearth.demo.generated."""

# ruff: noqa: E501

DISCUSSIONS = """
=== general
# Editing workflow: Lightroom vs darktable
I've used Lightroom for years but the subscription adds up. Has anyone here switched to darktable and stuck with it?
- I switched last year. The first month hurts (the module list is overwhelming), then it's great. Start with the scene-referred defaults and ignore half the modules.
> {quote}How long did that first month take you in practice? I edit about 200 photos a week and can't afford to slow down much.
- Not the person you asked, but for me it was three weekends of re-editing old shoots before it clicked. Keyboard shortcuts did the rest.
op: That's encouraging. Does the Lumen film-mode profile carry over, or do I lose the look?
- You lose the in-camera look, but someone shared a darktable style that gets close to Classic Neg. Search the Gear category for "film styles".
op: Found it. Trying darktable for a month on one shoot a week; I'll report back.

# How do you back up thousands of RAW files?
My laptop is full again, about 40,000 RAW files. What's your backup routine?
- Two copies at home (laptop + a USB drive), one offsite (cloud). Boring, but I sleep well.
- I cull hard before backing up. Half of my "backup problem" was 30 frames of the same heron.
> {quote}This is the real answer. I delete everything rated 0 stars after a month.
op: Culling is my weak spot. Which cloud do you use for the offsite copy, {prevname}?
> Backblaze for me. The first upload took a week on my connection, then it's invisible.
- Whatever you choose, test a restore once. I learned that the hard way.

# Photo walk meetup in Lisbon
Anyone around Lisbon fancy a walk along the river on a Saturday morning? Belém to Cais do Sodré, slow pace, coffee at the end.
- Count me in if the weather holds! Early is better, the light on the water before 9 is lovely.
- I'm in Porto but could make it the weekend after next.
op: Let's say Saturday the 18th, 8:00 at the Belém tower. {prev} we'll do a Porto one next month.
- I'll bring my spare X1 in case anyone wants to try it.
- Made it! Thanks {op} for organising — shared a few frames in Critique.
op: That was so much fun. Same time next month?

# What got you into photography?
For me it was my grandfather's old rangefinder that nobody else wanted. You?
- A school trip and a disposable camera. I still have the prints, mostly thumbs.
- Honestly, Instagram in 2015. I wanted my food to look like the food accounts. I've since moved on to birds.
> {quote}From food to birds is quite a journey. What was the bridge?
- My daughter was born and I wanted better photos than my phone could take in our dark flat.
op: Love these. {prevname}, that's exactly why my dad bought his first SLR too.

# Favourite photo books?
Looking for inspiration beyond Instagram. Which photo books do you keep going back to?
- "The Americans" by Robert Frank. Every time I open it I notice something new.
- Saul Leiter's "Early Color" changed how I see rain and reflections.
> {quote}Seconded. It's the reason half my street photos are shot through windows.
- For something practical: "The Photographer's Eye" by Michael Freeman. Composition explained without being dull.
op: Ordered Early Color and The Photographer's Eye. My wallet thanks you all.

# Shooting in harsh midday light
Travelling with family means I'm shooting at noon most days. How do you make it work?
- Look for open shade: under trees, arcades, the shady side of the street. Expose for the faces.
- Go black and white. Hard light and deep shadows look great in monochrome.
> {quote}This. Midday light is a gift for graphic shadows on walls and stairs.
- A small reflector or even a white T-shirt fills in the shadows under eyes.
op: I tried the shade trick in Seville today and it worked. I'm sold on the shadows idea too.

# Printing at home: worth it?
Thinking about a photo printer for A4 and A3+. Is it worth it over a lab?
- A lab is cheaper unless you print a lot, but printing your own is so satisfying.
- The ink is the real cost. Work it out per print before buying.
> {quote}I worked it out once and stopped printing at home. About €1.80 per A4 with the good paper.
- I print proofs at home and send the big ones to a lab. Best of both.
op: Proofs at home, finals at a lab seems sensible. Which lab do people in the UK use?
- Loxley Colour has been excellent for me, and they pack well.

# How do you name and tag your files?
I'm drowning in IMG_4821.RAF. What system do you use?
- Date first, then place: 2024-05-12_porto_bridge. Never failed me.
- Folders by year and month, keywords for everything else. Searching "heron" beats remembering folder names.
> {quote}Keywords are great until you stop adding them. I tag only my 3-star and up.
op: Date-place for folders and keywords for keepers. Thanks, that's a plan I'll actually follow.

# Do you still shoot JPEG at all?
Everyone says "always RAW", but the X2's JPEGs are really good. Anyone shooting JPEG only?
- RAW+JPEG. JPEGs to share on the day, RAWs for the ones I care about.
- JPEG only for family stuff since last year. I was spending evenings editing photos nobody looked at twice.
> {quote}Same here. The Classic Neg film mode covers 90% of what I'd do in an edit.
- For anything with tricky light I'd still want the RAW to pull the highlights back.
op: RAW+JPEG it is, with the card space that costs. Thanks all.

# Photographing strangers: do you ask first?
I freeze every time I want to photograph someone in the street. Do you ask before or after, or not at all?
- Mostly after. I show them the photo and offer to send it. Nobody has ever been angry.
- I ask first for portraits, never for scenes where people are small in the frame.
> {quote}That's my rule too. If the person is the subject, they get asked.
- Practice at markets. People there are used to cameras and often happy to pose.
op: I'll try the market this weekend and ask after. Wish me luck!
- Good luck! Smile a lot and keep the camera at chest height, it looks less intrusive.

# Cleaning up my camera bag before summer
Spring cleaning: what do you always carry, and what did you stop bringing?
- Always: spare battery, a microfibre cloth, a rocket blower. Stopped: the flash I never used.
- I stopped bringing a second lens. One prime, more walking.
> {quote}Same, and my shoulder is grateful. A 35mm does almost everything.
op: I'm taking the flash out too. {prevname}, which 35 do you use?
> The Lumen 35mm f/2. Small, quiet and sharp enough.

# Best time of year for autumn colours in the Alps?
Planning a trip to the Dolomites. When do the larches turn?
- Mid October usually, but it varies a week either way with the weather.
- Go for the second week of October and check the webcams before you drive up.
> {quote}The Val di Funes webcams are a good guide. Last year it peaked on the 16th.
op: Second week of October, webcams, and a flexible hotel booking. Thanks!

# Photo projects for a long winter
Short days, no motivation. Any projects that keep you shooting in winter?
- A 365 project with one rule: the photo must be taken within 100 metres of home.
- Still life on the kitchen table with window light. Fruit, cups, old keys.
> {quote}I did this last winter and it taught me more about light than any trip.
- Night street photography. Shop windows and wet pavements are best in December.
op: The kitchen still life is happening. I'll post the results in Critique.

=== gear
# Which lens for portraits: 50mm or 85mm?
I mostly photograph friends outdoors. 50mm f/1.8 or 85mm f/1.8 for the X2?
- The 85mm gives much nicer compression for head-and-shoulders portraits.
- The 50mm is more versatile. You can do environmental portraits and still get a close shot.
> {quote}True, but you need to be closer, and some people get nervous with a camera a metre away.
op: Good point, my friends are definitely the nervous kind. Is the 85 fine for half-body shots outside?
- Absolutely, you just need a few more steps back. In a small room it gets tight.
op: Ordered the 85. Thanks everyone.

# Battery life tips for cold weather
Lost half my charge in an hour at -5°C last weekend. Tricks?
- Keep the spare battery in an inside pocket; swap them every half hour.
- Turn off Bluetooth and the rear screen's auto review. The EVF uses less than the screen.
> {quote}The auto review one surprised me. Added 30% more shots on my last winter hike.
- A battery that gets cold isn't empty, by the way. Warm it up and most of the charge comes back.
op: The pocket swap worked this morning: still 40% after two hours at -3°C.

# Is the lens hood worth it?
It's bulky and I never use it. Am I missing out?
- The hood saved my front element twice. Worth it just for that.
- It also cuts flare when the sun is just out of frame. You'll see more contrast.
> {quote}And keeps raindrops off the front. I leave it on reversed when it's in the bag.
op: Fine, it's going back on. Protection alone sells it.

# Best travel tripod under 1.5 kg
Need something light for hiking that still holds the X2 steady for long exposures.
- I've had the Sirui T-025 for two years; light and solid enough for 30-second exposures.
- Peak Design's travel tripod is lovely but pricey. The ball head is clever.
> {quote}It's great, but it wobbles in wind at full height. Hang your bag on the hook.
- Whatever you buy, skip the centre column extension. That's where the wobble comes from.
op: Went with the Sirui second-hand. Took it up a hill on Sunday and it was rock steady.

# Firmware 2.1 first impressions
Just updated the X2. The eye AF feels snappier to me. Yours?
- Definitely better for me too, especially in low light indoors.
- The new grain effect is subtle and nice. Finally usable on skin.
> {quote}Agreed, "weak, small" is the one I use now.
- Has anyone noticed the battery meter dropping faster? Mine does since the update.
staff: Thanks for the reports. The battery meter is more accurate in 2.1, not draining faster; the old one stayed at full too long. We'll mention it in the release notes.
op: That explains it. Thanks for the quick answer.

# Adapting vintage lenses
Picked up an old Helios 44 at a flea market. Any adapter you'd recommend?
- Get a cheap K&F adapter, they're fine for manual lenses.
- Set "shoot without lens" to On or the camera won't fire.
> {quote}And turn on focus peaking. At f/2 the focus is razor thin.
op: Got it working. The swirly bokeh is everything I hoped for!
- Post some in Critique, I'd love to see the swirl.

# What's in your bag?
Show us your kit for a day out! Mine: X2, 23mm, 56mm, two batteries, a notebook.
- X2 Mini and the 27mm pancake. That's it. It fits in a coat pocket.
- X2 Pro, 16-55, 70-300, a little tripod and far too many snacks.
> {quote}Snacks are essential kit. Nobody shoots well hungry.
- X1 with the 35mm and a roll of gaffer tape. Gaffer tape fixes everything.
op: Ha, the gaffer tape. What do you use it on, {prevname}?
> Covering the front LED for concerts, holding a filter on, taping down cables. Once a friend's shoe.

# ND filters: screw-in or square?
Starting with long exposures and confused by the options.
- Square filters if you'll stack them or want grads; screw-in if you travel light.
- A variable ND is tempting, but cheap ones give an X-shaped dark pattern at the strong end.
> {quote}Learned that the hard way. A fixed 6-stop and 10-stop will serve you better.
op: A 6-stop screw-in to start with, then. Thanks.

# Lumen 18mm f/1.4 after three months
Long review after three months of street and astro with the 18mm. Sharp wide open, a bit heavy, coma well controlled in the corners.
- Great write-up. How is the focus breathing for video?
op: Noticeable but not distracting. I shoot very little video, to be fair.
- The coma control is why I bought it too. Stars stay round right to the corners at f/1.4.
> {quote}Good to hear. I've been torn between this and the 16mm for astro.
- The 16mm is wider but needs f/2 to look as clean. I'd go 18.

# Camera straps: neck, wrist or sling?
My neck aches after a day of shooting. What strap setup do you use?
- A wrist strap for the Mini, a sling for anything heavier.
- Peak Design's anchor system lets me switch between both in seconds.
> {quote}Those anchors are great. I've had one wear through after three years though, so check them.
op: Wrist strap ordered for city days. Thanks for the warning about the anchors.

# Memory cards: how many do you carry?
One big card or several small ones? I just lost a day of photos to a corrupted card.
- Several small ones, and never the same card for two days of a trip.
- The X2 Pro has two slots; I write to both. Costs nothing and saved me once.
> {quote}Backup mode on the second slot is the most underrated setting on that camera.
op: I'll turn that on. Sorry to everyone who was on that hike with me — those photos are gone.

# Is the X2 Pro worth the upgrade from the X2?
I shoot mostly landscapes and some birds. Is the Pro worth the extra €600?
- For birds, yes: the tracking and the bigger buffer make a real difference.
- For landscapes, no. Same sensor, same files.
> {quote}And the extra weight adds up on long hikes. I went back to the X2 for mountains.
op: I guess it comes down to how serious I get about birds. Waiting a few months, then.
- The Pro drops in price every autumn. Worth the wait.

=== critique
# Critique my first attempt at long exposure
Waterfall at 2 seconds from the weekend. Too soft? I wanted silky water but it looks like fog.
- Lovely spot. At 2 seconds the water loses all its texture; try 1/2 second.
- The rocks are sharp and the framing works. I'd crop a little from the left to lose the bright sky.
> {quote}Agree on the crop. The sky pulls the eye away from the falls.
op: I went back and tried 1/2 second. Much better: you can still see the water move.

# Street photo of the week: the red umbrella
Caught this in the rain yesterday. Honest thoughts?
- The umbrella makes it. I'd lift the shadows a touch so we can see the face.
- Great timing with the step mid-stride.
> {quote}Yes, the legs make a perfect inverted V. Textbook.
- Maybe straighten the lamp post on the right; it leans a little.
op: Straightened and lifted the shadows. Thanks, everyone, this was really helpful.

# Portrait in window light
My sister by the kitchen window. Is the background too busy?
- Window light suits her. A wider aperture would soften the background.
- The fridge magnets are distracting. Even moving a step to the left would hide them.
> {quote}Ha, I didn't notice them until now, and now I can't unsee them.
op: Ha! Reshot it at f/1.4 from a step to the left, no magnets. Much cleaner.

# Black and white conversion help
It looks flat to me. How would you push the contrast?
- Push the blacks and add a little clarity; it'll pop.
- Try a red filter in the conversion. It'll darken the sky and separate the clouds.
> {quote}The red filter did wonders on my seascapes too.
op: Red filter plus a steeper curve. Night and day, thank you.

# Market at dawn
First time shooting strangers. Did I get close enough?
- You were close enough! Next time, wait for the gesture: hands tell the story at markets.
- The fish seller's expression is great. The left third is a bit empty though.
> {quote}Crop it to 4:5 and the empty part goes away.
op: Cropped to 4:5. It's so much tighter now.

# Reflections after the storm
Puddle shot from this morning. Crop or keep the whole frame?
- Keep it — the crop loses the reflection's symmetry.
- I'd flip it upside down! Reflection shots often work better that way.
> {quote}Flipped it in my head and you're right, it becomes a different picture.
op: Tried the flip and I love it. Posting both versions on my profile.

# Is this horizon straight?
Seascape from the weekend; something feels off and I can't tell what.
- It tilts about 1° down to the right. Use the level in the EVF next time.
- Also the horizon cuts the frame in half. Put it on the lower third to give the sky more space.
> {quote}Yes, that sky is the best part. Give it room.
op: Levelled and recropped with the horizon low. Thanks both, that was it.

# Birds in flight: shutter speed advice
Everything above 1/1000 is noisy. Here's my best attempt at a gull.
- 1/1000 is plenty for gulls. The noise is fine, it cleans up in editing.
- The wing tips are blurred, so maybe 1/2000 for them. Raise the ISO and accept the grain.
> {quote}Grain is better than blur, always. Nobody frames a blurry gull.
op: Went to 1/2000 at ISO 3200. Sharp wings and I can live with the noise.

# Night market in Taipei
Handheld at 1/60 and f/2. Too busy?
- The busyness is the point. But the brightest lantern top right steals the show.
- Lovely colours. I'd pull the highlights down a stop.
> {quote}And a touch of vignette to hold the eye in the middle.
op: Highlights down and a light vignette. Much calmer now.

# Macro: dew on a spider web
Focus stacked from 12 frames. Is it too sharp? It looks almost fake to me.
- It's stunning. Maybe let the background strands fall off a bit more.
- Stack 8 instead of 12 and keep the far strands soft. It'll look more natural.
> {quote}This. Stacking everything sharp flattens the depth.
op: Restacked with 7 frames. It looks like a photo again, thanks.

# Foggy morning in the forest
I love this one but my partner says it's "just grey". Am I wrong?
- You're not wrong. The layers of trees fading into the fog are lovely.
- It needs a focal point though: a person, a deer, a brighter tree.
> {quote}Agree. Right now the eye has nowhere to rest.
op: Fair. I'll go back with a friend in a red coat.

# Kids on the beach, golden hour
Backlit, and their faces are dark. Should I have used flash?
- Flash would kill the mood. Expose for the faces and let the sky blow out a little.
- Or lift the shadows in editing, the X2's files have plenty of room.
> {quote}I lifted your shadows 1.5 stops in my head and it looks perfect.
op: Lifted 1.3 stops. The sky survives and you can see their smiles now.

=== astro
# Best settings for night sky shots on the X2?
Going to a dark-sky park next week. Where do I start?
- Start with ISO 3200, f/2.8 and 15 seconds, then adjust.
- Focus manually on a bright star with the magnifier; autofocus won't find anything.
> {quote}And tape the focus ring once it's sharp. I bumped mine at 2 am once and lost a whole night.
- Switch the screen to red night mode so your eyes stay adapted.
op: Back from the park! Got the core at ISO 3200, 13 s, f/2. Thank you all.

# Milky Way season planning
Which nights are you all targeting this month? New moon is on the 21st.
- The weekend around the 21st, weather permitting. Heading to Alqueva.
- I'll go two days before the new moon; the moon sets early enough.
> {quote}Good shout. The three days either side of the new moon are all usable after midnight.
op: Anyone going to Alqueva want to share a car from Lisbon?
- I'm in! I'll send you a message.

# Star trails: stack or single exposure?
Tried a 30-minute single exposure and got a lot of noise and hot pixels.
- Stacking wins every time. Try 120 × 15 s and stack in StarStaX.
- Long-exposure noise reduction doubles the time of each frame, so turn it off for stacks.
> {quote}Yes, and take a few dark frames at the end instead.
op: Stacked 150 frames last night. Clean and no hot pixels. Never going back!

# Light pollution maps you trust
Which map do you use to find dark spots?
- I use lightpollutionmap.info; it's been reliable.
- Clear Outside for the weather, the map for the darkness. You need both.
> {quote}Clear Outside has saved me so many wasted drives.
op: Bookmarked both. There's a Bortle 3 spot 40 minutes from me I never knew about.

# My first Milky Way core!
Not perfect, but I'm so happy with it. ISO 6400, 20 s, f/2.8.
- That core is beautiful! Was that a single frame?
op: Single frame, lightly edited. I was shaking with excitement.
- Congrats! Next step: stack 10 frames and the noise will be gone.
> {quote}And a foreground lit by a torch at low power. It'll look amazing.
op: Ooh, light painting is next. Thanks!

# Dew heaters: necessary?
My lens fogged up after an hour last night.
- A dew heater strap is cheap and a game changer.
- A hand warmer and a rubber band work in a pinch.
> {quote}Ha, I did this for a year before buying a strap. It works.
op: Strap ordered, hand warmers for tonight.

# Moon photography without a telescope
How far can the 70-300 go for the moon?
- Further than you'd think. Crop to 50% and it still looks great.
- Shoot at 1/250, f/8, ISO 200, and use the 2-second timer.
> {quote}And shoot the crescent, not the full moon. The shadows at the terminator show the craters.
op: Crescent tonight, then! Thanks for the settings.

# Aurora alert: anyone out tonight?
Forecast says Kp 6. Who's heading north?
- Out since 10 pm. Green all over the horizon!
- The camera sees more than your eyes. Take a test shot even if it looks grey.
> {quote}So true. I saw nothing and got pink pillars on the screen.
op: Just got home. I got my first aurora!

# Meteor shower: Perseids plan
Which lens and settings for the Perseids? I have the 16mm and the 35mm.
- The 16mm, pointed about 45° away from the radiant, ISO 3200, 20 s, interval shooting all night.
- Bring a chair and a warm drink. Half the joy is watching them with your own eyes.
> {quote}This! I remember the meteors I saw far better than the ones I photographed.
op: Both lenses charged, chair packed. Hoping for clear skies!

# Tracking mount: worth it for a beginner?
Is a star tracker worth it or should I learn stacking first?
- Learn stacking first. A tracker adds polar alignment to everything you have to get right in the dark.
- I bought one in my first year and don't regret it. Two-minute exposures at ISO 800 are magic.
> {quote}Both true. Depends on how patient you are with setup.
op: Stacking first, tracker for my birthday. Thanks!

# Orion Nebula with a 300mm lens
I didn't think this was possible without a telescope. 60 × 2 s, stacked.
- Wow, that's real colour in the nebula! What ISO?
op: ISO 3200 at f/5.6. The stacking did the heavy lifting.
- Imagine what you'd get with a tracker. This is fantastic.
> {quote}Don't encourage them, they'll spend everything on gear like the rest of us.
"""

QUESTIONS = """
=== help
# How do I update the firmware without a computer?
There's a new firmware but I don't own a laptop. Can I do it from my phone?
= Yes: in the Lumen app go to Settings → Camera → Firmware. Keep the battery above 50% and don't turn the camera off while it installs.
op: Thanks {ans}, that worked! It took about 6 minutes.

# Why are my night photos grainy?
Shot the city at night at ISO 12800 and it's all grain. What am I doing wrong?
= Lower the ISO, use a tripod and a longer shutter speed instead. At ISO 800 and 4 s on a tripod the grain mostly goes away.
- Also turn on long-exposure noise reduction for anything over a second.
op: Tripod and ISO 800: night and day. Thanks {ans}!

# Can I use old manual lenses with the X2?
I have my dad's old Pentax lenses. Will they work?
= Yes, with a PK-to-Lumen adapter. Set "Shoot without lens" to On in the shooting menu, and turn on focus peaking to help you focus.
- The 50mm f/1.7 from that era is lovely on the X2.
op: Adapter arrived, "shoot without lens" was the missing piece. Thank you {ans}!

# What does the orange blinking light mean?
The little light by the screen blinks orange after every shot.
= It's writing to the card. Wait until it stops before you take the card out, or you may lose the last shots.
op: Makes sense, I had a slow card in. Thanks {ans}.

# Best SD card for 4K video?
The camera stops recording after 20 seconds.
= That's a slow card. Any V30 card works for the normal modes; get a V60 card if you shoot the high bit-rate mode.
op: Swapped to a V60 card and it records until the battery is empty. Thank you {ans}!

# How do I transfer photos to my phone over Wi-Fi?
The app sees the camera but transfers never start.
= Pair in the app first (Bluetooth), then on the camera choose Playback → Send to phone. The camera turns Wi-Fi on by itself for the transfer.
- If it still hangs, forget the camera's network on your phone and pair again.
op: Pairing again did it. Thanks {ans}!

# Is the X2 weather sealed?
Going to Iceland. Can I shoot in the rain?
= The body is splash resistant and sealed with the WR lenses, but not waterproof. Light rain is fine; a downpour or a waterfall's spray isn't.
op: Got a rain cover for the worst of it. Thanks {ans}.

# Autofocus won't lock on faces in backlight
Sunset portraits, and the AF keeps hunting.
= Switch face detection to "eye priority" and add +1 EV of exposure compensation; it locks much better when the face isn't black.
op: +1 EV did it. Thanks a lot {ans}.

# How do I reset all settings?
I changed so many menus I don't know what's on any more.
= Menu → Setup → Reset → Reset all settings. Your custom modes C1–C3 are kept, so save anything you like there first.
op: Saved my landscape setup to C1 and reset the rest. Thanks {ans}!

# Why does the battery drain overnight?
Fully charged in the evening, half empty in the morning, camera off.
= "Bluetooth always on" keeps the connection to your phone alive while the camera is off. Turn it off in the connection settings.
op: That was it: 98% this morning. Thank you {ans}!

# How do I shoot a time-lapse?
Want to film clouds over the mountains for an hour.
= Shooting menu → Interval timer. Set the interval (5 s for clouds) and the number of frames, then press start. Use manual exposure so the frames don't flicker.
- And turn off the image review, it saves battery over a long run.
op: 720 frames of clouds and not a flicker. Thanks {ans}!

# How do I set up back-button focus?
Everyone recommends it but I can't find the setting.
= Custom buttons → assign AF-ON to the rear button, then set "Shutter AF" to Off in the AF menu.
op: Found both. Weird for a day, now I love it. Thanks {ans}.

# Is it safe to clean the sensor myself?
There are dark spots at f/16 in every photo.
= Run the built-in sensor cleaning first, then use a rocket blower with the camera facing down. Only use swabs if the spots survive both, and be gentle.
op: The blower got all but one spot. Good enough. Thanks {ans}!

# Can I charge over USB-C while shooting?
For long time-lapses it would save me.
= Yes, with a USB-C PD charger of at least 30 W. The battery icon shows a plug when the camera is running from USB.
op: My laptop charger works. Thank you {ans}.

# Why are my JPEGs so saturated?
Skin looks orange in every portrait.
= The default film mode is Vivid. Switch to Standard, or Classic Neg for a softer look, in the image quality menu.
op: Standard is so much better for people. Thanks {ans}.

# The app keeps disconnecting
The Lumen app drops the camera every few minutes on Android.
= Android's battery optimisation is killing the app in the background. Settings → Apps → Lumen → Battery → Unrestricted.
- Same fix works on Samsung phones, it's under "Sleeping apps" there.
op: Unrestricted did it. Thanks {ans}!

# Hot pixels in long exposures
Red and blue dots in my 30-second exposures.
= Turn on long-exposure noise reduction; the camera takes a dark frame and subtracts it. Or run Pixel Mapping in the Setup menu once, it maps out the worst ones.
op: Pixel mapping removed almost all of them. Thanks {ans}!

# How do I turn off the shutter sound?
I photograph at concerts and quiet ceremonies.
= Sound settings → Shutter volume → Off, or switch to the electronic shutter, which is silent.
op: Electronic shutter it is. Thanks {ans}.

# Photos slightly soft at f/1.8
My 56mm seems soft wide open. Faulty?
= Probably not. Most copies are a bit soft at f/1.8 and sharpen by f/2.2. Check the AF fine-tune too: shoot a ruler at 45° and see where focus lands.
op: Focus was landing a bit behind. Fine-tuned to -3 and it's sharp now. Thank you {ans}.

# How do I pair the Bluetooth remote?
The RC-2 remote doesn't do anything.
= Connection → Remote → Pair on the camera, then hold both buttons on the remote for 3 seconds until it blinks blue.
op: Blinking blue and working. Thanks {ans}!

# Can I save my settings as a custom mode?
I switch between street and portrait setups all the time.
= Yes: Setup → Save custom settings, then pick C1, C2 or C3. Turn the mode dial to C1 to recall it.
op: Street on C1, portraits on C2. Thanks {ans}.

# Why is there a delay before the shutter fires?
There's a 2-second wait after I press the button.
= The 2-second self-timer is on. Check the drive mode, it's easy to leave on after a tripod shot.
op: Oh dear, yes. Thanks {ans}.

# The viewfinder looks blurry
Photos are sharp but the EVF is blurry for me.
= The diopter wheel next to the viewfinder was probably turned in your bag. Turn it until the menu text is sharp.
op: That tiny wheel! Thank you {ans}.

# Can I shoot tethered to my laptop?
For product photos it would be really handy.
= Yes: connect with USB-C, set Connection → USB mode → Tethered, and use Lightroom or the free Lumen Tether app.
op: Lumen Tether works great. Thanks {ans}!

# Flash won't fire with the electronic shutter
My flash does nothing when I use the silent mode.
= Flash can't sync with the electronic shutter; it needs the mechanical one. Switch shutter type to "Mechanical" or "Mech + Elec".
op: Makes sense now. Thanks {ans}.

# Why are my videos choppy at 4K?
Playback on my laptop stutters.
= It's probably the laptop, not the file. 4K HEVC is heavy to decode; try the H.264 option in the video menu, or a player with hardware decoding.
op: H.264 plays perfectly. Thanks {ans}!

# How do I see the histogram while shooting?
I can't find it in the display settings.
= Display settings → Display custom setting → tick Histogram. Then press DISP until the view with it shows up.
op: There it is. Thanks {ans}.

# Lens error after dropping the camera
It says "Lens communication error" since a small fall.
= Clean the contacts on the lens and the mount with a dry cloth and remount the lens firmly. If the error stays, contact Lumen support for a repair: don't force the lens.
- Mine did the same; cleaning the contacts fixed it.
op: Cleaning the contacts worked. Phew. Thanks {ans}!

# Which film mode is closest to Portra?
I love the look of Kodak Portra. Any setting that gets close?
= Classic Neg with highlights -1, shadows -1, colour -2 and white balance shifted R+1, B-2 gets close for skin tones.
op: That's lovely. Thank you {ans}.

# Does the X2 Mini support RAW?
Thinking of buying one for travel.
= Yes, the Mini shoots the same 14-bit RAW files as the X2. Only the burst rate and the buffer are smaller.
op: Great, that settles it. Thanks {ans}.

# Can I change the language back to English?
My nephew set my camera to Japanese.
= Press MENU, go to the wrench (Setup) tab, then the second item is 言語/LANG. Choose English.
op: Found the wrench. Thank you so much {ans}!

# How do I stop the screen turning off so fast?
It goes dark after 15 seconds.
= Setup → Power management → Auto power off and "Screen off" timer. Set it to 2 minutes.
op: Perfect, thanks {ans}.
"""

# Staff start these to get people talking.
STAFF_TOPICS = """
=== general
# Share your favourite photo from this week
Anything goes. Post one photo and tell us the story behind it!
- The bakery on my street at 6 am. The baker waved at me just as I pressed the shutter.
- A heron that stood perfectly still for ten minutes and then flew off the moment I raised the camera. So this is a photo of a pond.
> {quote}The classic heron move. Next time, pre-focus and wait.
- My dog in the first snow. He had never seen it before.
staff: These are wonderful. The bakery one made my morning.

# What would you like to learn this month?
We're planning the next tutorials. Tell us what you need.
- Editing skin tones. Mine always end up orange or grey.
- Flash! I'm scared of it.
> {quote}Seconded, especially off-camera flash on a budget.
- Focus stacking for macro, please.
staff: Thanks all. Off-camera flash is the clear winner; the video comes out in two weeks.

# Show us your workspace
Where do you edit? Desk, sofa, train?
- A desk by the window, a calibrated screen and far too many plants.
- On the train to work. 40 minutes, one photo edited per day.
> {quote}One photo a day is a great habit, I might steal that.
- The kitchen table, which means clearing away breakfast first.

=== gear
# Tell us: which Lumen do you shoot with?
We read every answer; it helps us plan what to build next.
- X2 since launch, and an X1 as a backup that I still love.
- X2 Mini. I wanted something I'd actually take everywhere.
> {quote}Same reason here. The best camera is the one you have with you.
- X2 Pro for birds, and my phone for everything else, if I'm honest.
staff: Thanks everyone, this is really useful. The Mini love is noted!

# Firmware tips you might have missed
Three settings the manual buries: the Q menu can be customised, the AF-ON button works in playback to zoom, and the level can show pitch too. What's yours?
- You can rename the custom modes. "Street" is easier to remember than C1.
- Holding DISP for 2 seconds turns off everything on the screen but the frame.
> {quote}Didn't know that one, that's brilliant for composing.
- Pressing the rear dial in playback jumps to 100% on the focus point.

# Lens cleaning: what's your routine?
A quick poll: how do you clean your lenses, and how often?
- Blower first, then a microfibre cloth. Only when I actually see smudges.
- A lens pen in the bag for emergencies.
> {quote}Lens pens are great, just don't use the brush end on anything oily.

=== critique
# How to ask for a great critique
Say what you were going for, what bugs you, and what you'd like feedback on. A few words of context get you far better answers.
- Great advice. I always add the settings too; it helps people suggest what to try next.
- Could we also say what kind of feedback we want? Sometimes I just want to know if the edit is too much.
staff: Good idea. Add "Edit only" or "Composition only" to the title if that's what you want.

# Weekly critique circle: landscapes
This week we look at landscapes. Post one, and comment on at least two others.
- Here's a lake at sunrise from last weekend. I feel the foreground is weak.
- Commented on two! Mine: a ridge line in the fog, shot at 200mm.
> {quote}That layered ridge is lovely. The compression really works.

=== astro
# Night sky basics: a starter guide
Tripod, wide aperture, manual focus on a bright star, ISO 3200, 15 seconds. That's 80% of it. Questions welcome!
- What about the 500 rule? I hear different numbers.
> {quote}On the X2, divide 500 by the focal length and then by 1.5. With a 16mm, that's about 20 seconds.
- Saving this for my trip next month, thanks!

# Astro weekend: share your clear-sky shots
The forecast looks clear almost everywhere this weekend. Post what you get!
- Clear from 11 pm here, got the Pleiades rising.
- Clouds rolled in at midnight, but I got 40 minutes of star trails first.
> {quote}40 minutes is still a lovely trail. Post it!
"""

# The monthly challenges: one per theme, with replies about that theme.
CHALLENGES = """
=== general
# Monthly challenge: reflections
This month's theme is **reflections**. Post one photo and tell us how you made it.
- Puddle after the rain, camera almost touching the water. The street upside down.
- Shop window in the old town: the mannequins and the passers-by mixed together.
> {quote}Window reflections are so hard to control. How did you keep the glare down?
- A tilted sunglasses reflection on my friend's face at the beach.
- A lake so still you can't tell which way is up.
staff: Such a good month. The puddle one is our favourite: look out for it on the home page.

# Monthly challenge: shadows
This month's theme is **shadows**. Post one photo and tell us how you made it.
- Blinds on the bedroom wall at 7 am. Stripes across my cat.
- My own long shadow on the beach at sunset, with a gull crossing it.
> {quote}The gull is perfect timing!
- Bicycle shadows on the bridge at noon. Harsh light for once helped.
- Shadow of a fern on a white wall, in black and white.

# Monthly challenge: motion blur
This month's theme is **motion blur**. Post one photo and tell us how you made it.
- A tram in Lisbon at 1/8 s, panning with it. Took about 40 tries.
- The waterfall near my house at 1 second, handheld against a tree.
> {quote}Handheld at 1 second is impressive. Did you use the IBIS?
- A carousel at night, 1/4 s. The horses turn into ribbons of light.
- My kids spinning in the garden at 1/15 s. Their faces sharp, the world swirling.
> {quote}How did you get the faces sharp at 1/15? That's the hard part.
- Rear-curtain flash: the flash freezes them at the end of the exposure.

# Monthly challenge: the colour red
This month's theme is **red**. Post one photo and tell us how you made it.
- A red door on a blue house in Burano. It practically took itself.
- Autumn leaves on wet cobbles.
> {quote}Those wet cobbles give it so much depth.
- A red umbrella in the crowd, shot from a bridge above.
- Chili peppers drying in the sun at the market.

# Monthly challenge: symmetry
This month's theme is **symmetry**. Post one photo and tell us how you made it.
- A spiral staircase from the bottom, centred with the grid.
- Two swans facing each other, forming a heart. Sorry, it's cheesy.
> {quote}Cheesy but lovely. Did you wait long?
- The metro tunnel, dead centre, at 5 am with no one around.
- Butterfly wings with the macro lens.

# Monthly challenge: minimalism
This month's theme is **minimalism**. Post one photo and tell us how you made it.
- One boat on a grey sea. Long exposure to smooth everything.
- A single chair on an empty beach.
> {quote}The negative space is perfect here.
- A bird on a power line against a white sky.
- One tree in a snow field.

# Monthly challenge: at night
This month's theme is **at night**. Post one photo and tell us how you made it.
- A phone box glowing on an empty street at 2 am.
- Fishing boats with their lights on, 15 s from the harbour wall.
> {quote}Love the colour of those lights on the water.
- The city from the hill, blue hour fading into night.
- A fox in the garden, caught at ISO 12800. Grainy, but it's a fox.

# Monthly challenge: window light
This month's theme is **window light**. Post one photo and tell us how you made it.
- My grandmother reading by the kitchen window.
- Morning light on a bowl of lemons.
> {quote}Such a painterly look. Was there any fill?
- A cat in a sunbeam. Obviously.
- Steam from a coffee cup, backlit by the window.
"""

IDEAS = """
=== ideas
# Dark mode in the Lumen app
Editing at night in the app is blinding. Please add a dark theme that follows the phone's setting.
- Yes please! I'd use this every day.
- +1, reviewing shots at a dark-sky site with the bright app ruins my night vision.
> {quote}Same, I've taken to wrapping my phone in red cellophane.

# Phone as a remote without re-pairing
Using the phone as a remote means pairing over Wi-Fi every time. Let it stay paired over Bluetooth.
- +1, pairing takes longer than the shot.
- Would it work with the older X1 too?
> {quote}Hope so, the X1 has Bluetooth LE so it should.

# Focus peaking colour choice
Red peaking disappears on autumn leaves. Let us pick the colour.
- Great idea. Blue or white would work so much better on warm scenes.
- And a "high/low" intensity setting while you're at it.

# Interval timer up to 24 hours
For long time-lapses of plants and construction sites the 999-frame limit is too short.
- I'd use this for a year-long time-lapse of my garden.
- The USB power support makes this practical now. +1.

# Share film-mode recipes as a file
Let us export our custom film-mode recipes and share them with friends.
- This would be amazing for the community, we could have a recipes thread.
- Please include white balance shift and grain in the export.
> {quote}And the name we give it. "Lisbon blue hour" beats C3.

# Built-in GPS tagging
Tag photos with the location without the phone connected.
- I'd vote twice if I could.
- Battery life though. Make it optional.

# Custom button for ISO on the front
Let us put ISO on the front button instead of only the rear dial.
- Yes, I change ISO far more often than anything on the front button.

# Star-tracking mode for astrophotography
Use the sensor shift to follow the stars for a minute.
- This would change night photography on the X2 completely.
- A minute would be enough for most wide shots. +1
> {quote}Even 30 seconds would double what we can do at 16mm.

# Histogram in playback
Show the RGB histogram when reviewing photos, not only while shooting.
- Checking for clipped reds in sunsets would be so much easier.

# Silent mode that turns off all lights
For concerts and wildlife: no beeps, no AF lamp, no card light, with one setting.
- I tape over the card light right now. +1
- Please! One switch instead of four menus.

# Voice memos attached to photos
Record a short note about the scene, like some old cameras could.
- I'd use this for bird species I can't identify on the spot.

# Longer bulb mode than 30 minutes
For star trails in one frame without stacking.
- Stacking gives better results anyway, but for film-like single frames, sure.

# RAW preview in the app
See the real RAW in the app, not the embedded JPEG.
- This matters when you shoot in a film mode like Acros and want to see the colour version.

# Battery health in the menu
Show how worn each battery is, like phones do.
- I have six batteries and no idea which ones are tired. +1

# Wi-Fi upload straight to my NAS
Back up new photos to my home NAS overnight, no phone or laptop needed.
- This plus the USB power support = automatic backups while charging. Please.
- Would love SMB and also a simple FTP option.

# Lens data for adapted lenses
Enter focal length and aperture for manual lenses so the EXIF is right.
- With a few saved presets for the lenses I use most.
> {quote}Yes, and the stabiliser needs the focal length anyway.

# Vertical grip with a second battery
Longer shoots and better handling for portraits.
- I'd buy it on day one for weddings.

# Bird eye detection
The animal AF finds cats and dogs, but not small birds in branches.
- +1, it would make the X2 Pro a proper birding camera.
- The Pro already does this? Or am I confusing it with another brand?
> {quote}It tracks birds in flight but doesn't find the eye on a perched bird. That's the gap.
"""
