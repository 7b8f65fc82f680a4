/**
 * 256 short, distinct, easy-to-say English nouns: one word per byte for safety words.
 * The order is part of the protocol (every participant must map a byte to the same word),
 * so never reorder or edit entries.
 */
export const SAFETY_WORDS: readonly string[] = Object.freeze([
  'acorn', 'actor', 'adult', 'agent', 'alarm', 'album', 'alley', 'amber', 'angel', 'ankle', 'apple', 'apron',
  'arch', 'arena', 'armor', 'arrow', 'atlas', 'attic', 'autumn', 'avenue', 'bacon', 'badge', 'bagel',
  'baker', 'bamboo', 'banjo', 'barn', 'basin', 'basket', 'beach', 'beard', 'beaver', 'bell', 'bench',
  'berry', 'bishop', 'blanket', 'blossom', 'boat', 'bonnet', 'border', 'bottle', 'boulder', 'bracket',
  'branch', 'bread', 'breeze', 'brick', 'bridge', 'brush', 'bubble', 'bucket', 'bugle', 'butter', 'button',
  'cabin', 'cactus', 'camel', 'camera', 'canal', 'candle', 'canoe', 'canyon', 'carpet', 'carrot', 'castle',
  'cattle', 'cellar', 'cereal', 'chalk', 'cherry', 'chess', 'circus', 'citrus', 'clock', 'cloud', 'clover',
  'coach', 'cobra', 'coffee', 'comet', 'compass', 'copper', 'coral', 'cotton', 'cousin', 'cradle', 'crayon',
  'crown', 'curtain', 'cushion', 'daisy', 'dancer', 'desert', 'diamond', 'dinner', 'doctor', 'dolphin',
  'donkey', 'dragon', 'drawer', 'drum', 'eagle', 'echo', 'elbow', 'emerald', 'engine', 'falcon', 'feather',
  'fence', 'ferry', 'fiddle', 'finger', 'flag', 'flute', 'forest', 'fossil', 'fox', 'garden', 'garlic',
  'ghost', 'giant', 'ginger', 'giraffe', 'glacier', 'glove', 'goblet', 'goose', 'granite', 'grape', 'gravel',
  'guitar', 'hammer', 'harbor', 'harp', 'hazel', 'helmet', 'hermit', 'honey', 'hook', 'horizon', 'horse',
  'island', 'ivory', 'jacket', 'jaguar', 'jelly', 'jewel', 'jigsaw', 'jungle', 'kettle', 'kitten', 'koala',
  'ladder', 'lagoon', 'lantern', 'lemon', 'letter', 'lily', 'lion', 'lizard', 'locket', 'magnet', 'mango',
  'maple', 'marble', 'meadow', 'melon', 'mirror', 'monkey', 'moose', 'muffin', 'napkin', 'needle', 'nest',
  'noodle', 'oasis', 'ocean', 'olive', 'onion', 'orange', 'orbit', 'otter', 'oyster', 'paddle', 'palace',
  'panda', 'parrot', 'peach', 'pebble', 'pepper', 'piano', 'pigeon', 'pillow', 'pirate', 'planet', 'plum',
  'pocket', 'pony', 'potato', 'pumpkin', 'puzzle', 'quilt', 'rabbit', 'radio', 'raven', 'ribbon', 'river',
  'robin', 'rocket', 'saddle', 'salmon', 'sandal', 'satin', 'scarf', 'shadow', 'shovel', 'silver', 'sketch',
  'sled', 'spider', 'spoon', 'stamp', 'statue', 'storm', 'sugar', 'summer', 'sunset', 'swan', 'table',
  'teapot', 'temple', 'thunder', 'tiger', 'timber', 'tomato', 'tower', 'trumpet', 'tulip', 'tunnel',
  'turtle', 'valley', 'velvet', 'violin', 'volcano', 'wagon', 'walnut', 'walrus', 'whistle', 'willow',
  'window', 'winter', 'wizard', 'wolf', 'yogurt', 'zebra',
]);
